import { Command, Option } from 'commander';
import { createToken, listTokens, revokeToken } from '../../access/sessions.js';
import { ROLES, type Role } from '../../access/roles.js';
import { AccessError, addUser, findUser, listUsers, removeUser } from '../../access/users.js';
import { appendAudit } from '../../linkage/audit.js';
import { useStore, withStoreOptions, type StoreOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';

/** The operator running the CLI, for the audit log. */
const operator = () => `cli:${process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown'}`;

/**
 * The new password, never from the command line (it would show in `ps` and shell history): the
 * first line of stdin with --password-stdin, else the environment variable UDC_NEW_PASSWORD.
 */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    let text = '';
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  const env = process.env['UDC_NEW_PASSWORD'];
  if (env) return env;
  throw new CliError(
    'give the password on stdin (--password-stdin) or in UDC_NEW_PASSWORD, never as an argument; or use --oidc-issuer and --oidc-subject',
    EXIT.usage,
  );
}

const roleOption = (what: string) => new Option('--role <role>', what).choices([...ROLES]);

function accessFailure(error: unknown): never {
  if (error instanceof AccessError) throw new CliError(error.message, EXIT.invalidInput);
  throw error;
}

/** `udc users add|list|remove|token|tokens|revoke`: accounts, roles and API tokens. */
export function usersCommand(): Command {
  const add = withStoreOptions(
    new Command('add')
      .description('create a user (the first administrator is made this way: udc has no default account)')
      .argument('<name>', 'user name (letters, digits, . _ @ -)')
      .addOption(roleOption('reader, analyst, steward or administrator').makeOptionMandatory())
      .option('--display-name <text>', 'the name shown next to notes')
      .option('--password-stdin', 'read the password (at least 12 characters) from the first line of stdin')
      .option('--oidc-issuer <url>', 'an account that signs in through this OpenID Connect issuer ...')
      .option('--oidc-subject <sub>', '... with this subject (sub claim)'),
  ).action(
    async (
      name: string,
      options: StoreOptions & {
        role: Role;
        displayName?: string;
        passwordStdin?: boolean;
        oidcIssuer?: string;
        oidcSubject?: string;
      },
    ) => {
      if ((options.oidcIssuer === undefined) !== (options.oidcSubject === undefined))
        throw new CliError('give --oidc-issuer and --oidc-subject together', EXIT.usage);
      const oidc = options.oidcIssuer
        ? { issuer: options.oidcIssuer, subject: options.oidcSubject! }
        : undefined;
      const password =
        oidc && !options.passwordStdin ? undefined : await readPassword(options.passwordStdin ?? false);
      await useStore(options, async (store) => {
        const user = await addUser(store, {
          name,
          role: options.role,
          ...(password !== undefined ? { password } : {}),
          ...(options.displayName ? { displayName: options.displayName } : {}),
          ...(oidc ? { oidc } : {}),
        }).catch(accessFailure);
        await appendAudit(store, {
          actor: operator(),
          project: null,
          action: 'user.add',
          object: `user:${user.name}`,
          outcome: 'ok',
          detail: { role: user.role, oidc: user.oidc },
        });
        process.stdout.write(`created ${user.role} ${user.name}\n`);
      });
    },
  );

  const list = withStoreOptions(
    new Command('list').description('list users and their roles').option('--json', 'print JSON'),
  ).action(async (options: StoreOptions & { json?: boolean }) => {
    await useStore(
      options,
      async (store) => {
        const users = (await listUsers(store)).map((u) => ({
          name: u.name,
          role: u.role,
          display_name: u.displayName,
          sign_in: [u.hasPassword ? 'password' : '', u.oidc ? `oidc ${u.oidc.issuer}` : '']
            .filter(Boolean)
            .join(', '),
          created: u.created,
          disabled: u.disabled,
        }));
        process.stdout.write(options.json ? `${json(users)}\n` : `${table(users)}\n`);
      },
      { readOnly: true },
    );
  });

  const remove = withStoreOptions(
    new Command('remove').description('remove a user with their sessions and tokens').argument('<name>'),
  ).action(async (name: string, options: StoreOptions) => {
    await useStore(options, async (store) => {
      if (!(await removeUser(store, name)))
        throw new CliError(`no user "${name}"; run \`udc users list\``, EXIT.invalidInput);
      await appendAudit(store, {
        actor: operator(),
        project: null,
        action: 'user.remove',
        object: `user:${name}`,
        outcome: 'ok',
      });
      process.stdout.write(`removed ${name}\n`);
    });
  });

  const token = withStoreOptions(
    new Command('token')
      .description('make an API token for a user (printed once; only its hash is kept)')
      .argument('<user>')
      .requiredOption('--name <text>', 'what the token is for, e.g. "nightly export"')
      .addOption(roleOption('scope the token to this role (default: the user’s role; never more)'))
      .option('--days <n>', 'valid for n days (1-366)', '90'),
  ).action(async (userName: string, options: StoreOptions & { name: string; role?: Role; days: string }) => {
    await useStore(options, async (store) => {
      const user = await findUser(store, { name: userName });
      if (!user) throw new CliError(`no user "${userName}"; run \`udc users list\``, EXIT.invalidInput);
      const made = await createToken(
        store,
        user,
        { name: options.name, ...(options.role ? { role: options.role } : {}), days: Number(options.days) },
        new Date(),
      ).catch(accessFailure);
      await appendAudit(store, {
        actor: operator(),
        project: null,
        action: 'token.create',
        object: `token:${made.info.id}`,
        outcome: 'ok',
        detail: { user: user.name, role: made.info.role, expires: made.info.expires },
      });
      process.stderr.write(
        `token ${made.info.id} for ${user.name} (${made.info.role}), valid until ${made.info.expires}; shown only now:\n`,
      );
      process.stdout.write(`${made.token}\n`);
    });
  });

  const tokens = withStoreOptions(
    new Command('tokens')
      .description('list API tokens (never their secrets)')
      .argument('[user]')
      .option('--json', 'print JSON'),
  ).action(async (userName: string | undefined, options: StoreOptions & { json?: boolean }) => {
    await useStore(
      options,
      async (store) => {
        const user = userName ? await findUser(store, { name: userName }) : undefined;
        if (userName && !user) throw new CliError(`no user "${userName}"`, EXIT.invalidInput);
        const rows = await listTokens(store, user?.id);
        process.stdout.write(
          options.json ? `${json(rows)}\n` : `${table(rows as unknown as Record<string, unknown>[])}\n`,
        );
      },
      { readOnly: true },
    );
  });

  const revoke = withStoreOptions(
    new Command('revoke').description('revoke an API token').argument('<id>'),
  ).action(async (id: string, options: StoreOptions) => {
    await useStore(options, async (store) => {
      if (!(await revokeToken(store, id))) throw new CliError(`no token ${id}`, EXIT.invalidInput);
      await appendAudit(store, {
        actor: operator(),
        project: null,
        action: 'token.revoke',
        object: `token:${id}`,
        outcome: 'ok',
      });
      process.stdout.write(`revoked ${id}\n`);
    });
  });

  return new Command('users')
    .description('users, roles and API tokens (see docs/access.md)')
    .addCommand(add)
    .addCommand(list)
    .addCommand(remove)
    .addCommand(token)
    .addCommand(tokens)
    .addCommand(revoke);
}
