import { Command } from 'commander';
import { existsSync } from 'node:fs';
import {
  auditSuppression,
  cellLabel,
  DisclosureError,
  primarySuppressions,
  protectTable,
  type Requirement,
} from '../../disclosure/index.js';
import {
  loadDisclosureRules,
  protectIndicatorValues,
  type DisclosureRule,
} from '../../disclosure/publish.js';
import { dimensionsOf, readTableFile, writeTableSet, type TableFile } from '../../disclosure/table-file.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table as textTable } from '../format.js';

interface ProtectOptions extends StoreOptions {
  rule?: string;
  rules?: string;
  report?: boolean;
  out?: string;
  json?: boolean;
}

/** `udc protect <table file | indicator>` and `udc protect audit <table set>`: disclosure control. */
export function protectCommand(): Command {
  const command = withStoreOptions(
    new Command('protect')
      .description(
        "protect a table file or an indicator's stored values (primary and secondary suppression, rounding, cell-key)",
      )
      .argument('<subject>', 'a table file (.yaml, .yml, .json) or an indicator id')
      .option(
        '--rule <name>',
        'a rule from disclosure/rules.yaml (default: the one the table or indicator names)',
      )
      .option('--rules <file>', 'rules file (default: disclosure/rules.yaml)')
      .option('--report', 'list every hidden or changed cell')
      .option(
        '--out <file>',
        'table file: write the protected table set (true values and flags) for `udc protect audit`',
      )
      .option('--json', 'print JSON'),
  ).action(async (subject: string, options: ProtectOptions) => {
    const rules = rulesFrom(options.rules);
    if (looksLikeFile(subject)) {
      await protectFile(subject, rules, options);
      return;
    }
    await useStore(options, async (store) => {
      const known = await store.one('SELECT id FROM indicator WHERE id = $1', [subject]);
      if (!known)
        throw new CliError(
          `${subject} is neither a table file nor an indicator in ${store.path} (build indicators first)`,
          EXIT.invalidInput,
        );
      const run = await protectIndicatorValues(store, subject, options.rule, { rules }).catch(
        (error: unknown) => {
          if (error instanceof DisclosureError) throw new CliError(error.message, EXIT.invalidInput);
          throw error;
        },
      );
      if (options.json) {
        const hidden = options.report
          ? await store.all(
              `SELECT region, period, boundary_year, value, disclosure FROM indicator_value
               WHERE indicator = $1 AND disclosure IS NOT NULL ORDER BY period, region`,
              [subject],
            )
          : undefined;
        process.stdout.write(`${json({ ...run, ...(hidden ? { cells: hidden } : {}) })}\n`);
        return;
      }
      process.stdout.write(
        `${subject}: rule ${run.rule} (${run.method}), run ${run.run}: ${run.cells} values in ${run.tables} tables; ` +
          `${run.primary} primary, ${run.secondary} secondary, ${run.changed} rounded or perturbed; audit: ${run.audit}; ` +
          `${run.seconds.toFixed(2)} s\n`,
      );
      if (run.nonAdditive.length > 0)
        process.stdout.write(
          `totals that are not the sum of their parts (not used as constraints): ${run.nonAdditive.join(', ')}\n`,
        );
      if (options.report) {
        const rows = await store.all(
          `SELECT region, period, value, disclosure FROM indicator_value
           WHERE indicator = $1 AND disclosure IS NOT NULL ORDER BY period, region`,
          [subject],
        );
        process.stdout.write(`${textTable(rows)}\n`);
      }
    });
  });
  command.addCommand(
    new Command('audit')
      .description(
        'the intruder check: the feasible interval of every suppressed cell of a table set; exit 1 on a leak',
      )
      .argument('<table-set>', 'a table file with flags (as `udc protect --out` writes)')
      .option('--rules <file>', 'rules file (default: disclosure/rules.yaml)')
      .option('--json', 'print JSON')
      .action(async (file: string, _options: unknown, self: Command) => {
        // --json and --rules may stand before or after `audit`: the parent command knows them too.
        const options = self.optsWithGlobals<{ rules?: string; json?: boolean }>();
        await auditFile(file, rulesFrom(options.rules), options);
      }),
  );
  return command;
}

function looksLikeFile(subject: string): boolean {
  return /\.(ya?ml|json)$/i.test(subject) || existsSync(subject);
}

function rulesFrom(file: string | undefined): Map<string, DisclosureRule> {
  try {
    return loadDisclosureRules(file);
  } catch (error) {
    throw new CliError(
      (error as Error).message,
      file && !existsSync(file) ? EXIT.unavailable : EXIT.invalidInput,
    );
  }
}

function readFile(file: string, rules: Map<string, DisclosureRule>, rule?: string): TableFile {
  if (!existsSync(file)) throw new CliError(`no table file ${file}`, EXIT.unavailable);
  try {
    return readTableFile(file, rules, rule);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.invalidInput);
  }
}

async function protectFile(
  file: string,
  rules: Map<string, DisclosureRule>,
  options: ProtectOptions,
): Promise<void> {
  const source = readFile(file, rules, options.rule);
  const result = await protectTable(source.table, source.config).catch((error: unknown) => {
    throw new CliError(`${file}: ${(error as Error).message}`, EXIT.invalidInput);
  });
  if (options.out) writeTableSet(options.out, source, dimensionsOf(source.table), result);
  const changed = result.cells.flatMap((c, i) =>
    c.flag
      ? [
          {
            cell: cellLabel(source.table, i),
            value: source.table.cells[i]!.value,
            published: c.value,
            flag: c.flag,
            reason: c.reason,
          },
        ]
      : [],
  );
  if (options.json) {
    process.stdout.write(
      `${json({ method: result.method, summary: result.summary, leaks: result.audit?.leaks.length ?? null, ...(options.report ? { cells: changed } : {}) })}\n`,
    );
    return;
  }
  const s = result.summary;
  process.stdout.write(
    `${file}: ${result.method}, ${s.cells} cells; ${s.primary} primary, ${s.secondary} secondary ` +
      `(value ${s.secondaryValue}), ${s.rounded} rounded, ${s.perturbed} perturbed` +
      (result.audit
        ? `; audit: ${result.audit.leaks.length === 0 ? 'no leaks' : `${result.audit.leaks.length} leaks`}`
        : '') +
      '\n',
  );
  if (options.report) process.stdout.write(`${textTable(changed)}\n`);
}

async function auditFile(
  file: string,
  rules: Map<string, DisclosureRule>,
  options: { json?: boolean },
): Promise<void> {
  const source = readFile(file, rules);
  const { table, flags } = source;
  const suppressed = flags.map((f) => (f === 'primary' || f === 'secondary' ? 1 : 0));
  const requirements: Map<number, Requirement> = primarySuppressions(table, source.config);
  // A cell the rules call unsafe but the set publishes is the plainest leak of all.
  const published = [...requirements.keys()].filter((cell) => !suppressed[cell]);
  const report = await auditSuppression(
    table,
    suppressed,
    new Map([...requirements].filter(([cell]) => suppressed[cell])),
    { mode: 'intervals' },
  ).catch((error: unknown) => {
    throw new CliError(`${file}: ${(error as Error).message}`, EXIT.invalidInput);
  });
  const leaks = [
    ...published.map((cell) => ({
      cell: cellLabel(table, cell),
      value: table.cells[cell]!.value,
      min: table.cells[cell]!.value,
      max: table.cells[cell]!.value,
      required: `-${requirements.get(cell)!.lower} / +${requirements.get(cell)!.upper}`,
      kind: 'published',
    })),
    ...report.leaks.map((l) => ({
      cell: cellLabel(table, l.cell),
      value: l.value,
      min: round(l.min),
      max: round(l.max),
      required: `-${l.required.lower} / +${l.required.upper}`,
      kind: l.kind,
    })),
  ];
  if (options.json) {
    process.stdout.write(
      `${json({
        cells: table.cells.length,
        suppressed: suppressed.filter(Boolean).length,
        primary: requirements.size,
        leaks,
        intervals: report.intervals.map((i) => ({
          cell: cellLabel(table, i.cell),
          value: i.value,
          min: round(i.min),
          max: round(i.max),
        })),
      })}\n`,
    );
  } else {
    process.stdout.write(
      `${file}: ${table.cells.length} cells, ${suppressed.filter(Boolean).length} suppressed, ${requirements.size} primary by ` +
        `${source.ruleName ? `rule ${source.ruleName}` : 'the given config'}; ${report.solves} linear programs\n`,
    );
    process.stdout.write(
      leaks.length === 0
        ? 'no leaks: every primary cell keeps its protection interval\n'
        : `${leaks.length} leak(s):\n${textTable(leaks)}\n`,
    );
  }
  if (leaks.length > 0)
    throw new CliError(
      `${file}: ${leaks.length} primary cell(s) can be recovered closer than their protection asks`,
      EXIT.invalidInput,
    );
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x;
}
