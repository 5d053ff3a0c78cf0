// The two geometry subcommands, run as a user would (a real store in a temporary directory).
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { geocodeCommand, importBoundariesCommand } from '../../src/cli/commands/regions-geo.js';
import { CliError } from '../../src/cli/exit-codes.js';
import { wgs84ToRd } from '../../src/regions/geometry/index.js';
import { temporaryStore } from '../helpers/store.js';

let dir: string;
let database: string;
let dispose: () => Promise<void>;
beforeAll(async () => {
  const t = await temporaryStore();
  dir = t.dir;
  database = join(dir, 'cli.duckdb');
  // The CLI opens its own store file; the helper's store is only used for its directory.
  dispose = t.dispose;
});
afterAll(async () => dispose());

/** Runs `udc regions <args>` with the geometry subcommands; returns exit code and output. */
async function regions(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('udc').exitOverride();
  program.addCommand(
    new Command('regions').addCommand(importBoundariesCommand()).addCommand(geocodeCommand()),
  );
  for (const c of program.commands) c.exitOverride();
  let stdout = '';
  let stderr = '';
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    await program.parseAsync(['regions', ...args, '--database', database], { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CliError) return { code: error.exitCode, stdout, stderr: stderr + error.message };
    throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('udc regions geocode', () => {
  it('adds the gemeente of 2023 to every row and lists the rows outside every area and the unusable ones', async () => {
    const input = join(dir, 'incidents.csv');
    const [ax, ay] = wgs84ToRd(6.564, 52.9923); // Assen station
    const [sx, sy] = wgs84ToRd(4.4, 53.3); // North Sea
    await writeFile(
      input,
      [
        'id;omschrijving;x_rd;y_rd',
        '1;Martinitoren;233883;582065',
        `2;Station Assen;${ax.toFixed(2).replace('.', ',')};${ay.toFixed(2).replace('.', ',')}`,
        `3;Noordzee;${Math.round(sx)};${Math.round(sy)}`,
        '4;geen coordinaten;;',
      ].join('\n') + '\n',
    );
    const output = join(dir, 'incidents-gemeente.csv');
    const result = await regions(
      'geocode',
      '--input',
      input,
      '--x',
      'x_rd',
      '--y',
      'y_rd',
      '--level',
      'gemeente',
      '--year',
      '2023',
      '--output',
      output,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/geocoded 4 points .*\(RD New\) to gemeente 2023: 2 inside an area/);
    expect(result.stdout).toMatch(/1 point lies outside every gemeente of 2023: row 4\b/);
    expect(result.stdout).toMatch(/row 5: coordinates missing/);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,omschrijving,x_rd,y_rd,gemeente_2023,geocode_status');
    expect(lines[1]).toBe('1,Martinitoren,233883,582065,GM0014,inside');
    expect(lines[2]).toMatch(/^2,Station Assen,.*,GM0106,inside$/);
    expect(lines[3]).toMatch(/^3,Noordzee,.*,,outside$/);
    expect(lines[4]).toBe('4,geen coordinaten,,,,invalid');
  });

  it('refuses points with latitude and longitude swapped, and unknown columns, with exit code 1', async () => {
    const input = join(dir, 'swapped.csv');
    await writeFile(input, 'lat,lon\n53.2193,6.5682\n52.9923,6.564\n');
    const swapped = await regions(
      'geocode',
      '--input',
      input,
      '--x',
      'lat',
      '--y',
      'lon',
      '--level',
      'gemeente',
      '--year',
      '2023',
    );
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toMatch(
      /swapped\.csv \(columns lat, lon\): 100% of the coordinates have latitude and longitude swapped/,
    );
    const unknown = await regions(
      'geocode',
      '--input',
      input,
      '--x',
      'x',
      '--y',
      'lon',
      '--level',
      'gemeente',
      '--year',
      '2023',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no column "x"; the header has "lat", "lon"/);
  });
});

describe('udc regions import-boundaries', () => {
  it('imports a boundary file and reports what it did; a bad file changes nothing', async () => {
    const source = JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          '../../data/boundaries/gemeenten_2023_groningen_assen_wgs84_simplified.geojson',
        ),
        'utf8',
      ),
    );
    const file = join(dir, 'gemeenten-2022-subset.geojson');
    await writeFile(file, JSON.stringify(source));
    const ok = await regions('import-boundaries', file, '--year', '2022', '--level', 'gemeente');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/stored 12 gemeente boundaries for 2022/);
    expect(ok.stdout).toMatch(/codes from "gemeentecode"/);

    const wrong = await regions(
      'import-boundaries',
      file,
      '--year',
      '2022',
      '--level',
      'buurt',
      '--code-property',
      'gemeentecode',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /nothing was imported:\n.*features\[0\], property "gemeentecode": GM0014 is not a buurt code/,
    );

    const missing = await regions(
      'import-boundaries',
      join(dir, 'nope.geojson'),
      '--year',
      '2022',
      '--level',
      'wijk',
    );
    expect(missing.code).toBe(3);
  });
});
