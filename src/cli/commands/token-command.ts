/**
 * @module cli/commands/token-command
 * `shelfcast token create --role ROLE [--name NAME]` (the token is printed once), `token list`,
 * `token revoke ID`: API tokens for the HTTP API. Run on the machine that holds the database, these
 * need no token themselves; creating and revoking are audited as `cli:<user>`.
 */
import type { Command } from 'commander';
import { type ApiToken, createToken, listTokens, revokeToken } from '../../auth/api-tokens.js';
import { AuthError } from '../../auth/auth-error.js';
import { isRole, ROLES, type Role } from '../../auth/roles.js';
import { defaultActor } from '../../registry/model-registry.js';
import { CliError } from '../cli-error.js';
import { formatTable, printJson } from '../output.js';
import { withDatabase } from '../with-database.js';

const ROLE_HELP =
  'viewer (reads), analyst (also ingests and trains) or admin (also promotes models, manages tokens)';

function roleOption(value: string): Role {
  if (!isRole(value)) throw new CliError(`--role must be one of ${ROLES.join(', ')}, got '${value}'`);
  return value;
}

/** Bad input to the token functions (a name too long) becomes a usage error (exit 2). */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthError && (error.code === 'INVALID_INPUT' || error.code === 'INVALID_ROLE'))
      throw new CliError(error.message);
    throw error;
  }
}

const cliActor = () => `cli:${defaultActor()}`;

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens for the HTTP API: create, list, revoke');
  token
    .command('create')
    .description('create a token with a role; it is printed this once only and cannot be shown again')
    .requiredOption('--role <role>', ROLE_HELP, roleOption)
    .option('--name <name>', 'a label saying what uses it, e.g. ci or dashboard (default: "<role> token")')
    .option('--json', 'print JSON: the token with its id, name and role')
    .action(async (options: { role: Role; name?: string; json?: boolean }) => {
      const { token: secret, record } = await userErrors(() =>
        withDatabase((db) =>
          createToken(db, {
            role: options.role,
            ...(options.name !== undefined ? { name: options.name } : {}),
            createdBy: cliActor(),
          }),
        ),
      );
      if (options.json) return printJson({ token: secret, ...record });
      // The token alone on stdout, so `TOKEN=$(shelfcast token create …)` captures just it.
      process.stdout.write(`${secret}\n`);
      process.stderr.write(
        `created token ${record.id} (${record.role}, "${record.name}"). This is the only time it is shown: store it now. Send it as "Authorization: Bearer <token>".\n`,
      );
    });
  token
    .command('list')
    .description('every token (never the token itself): id, name, role, when created, last used and revoked')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const tokens = await withDatabase((db) => listTokens(db));
      if (options.json) return printJson(tokens);
      process.stdout.write(`${formatTokens(tokens)}\n`);
    });
  token
    .command('revoke')
    .description('revoke a token by id: requests with it are refused from now on')
    .argument('<id>', 'token id (tok_…), as `shelfcast token list` shows it')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { before, after } = await userErrors(() =>
        withDatabase(async (db) => {
          const before = (await listTokens(db)).find((t) => t.id === id) ?? null;
          return { before, after: before ? await revokeToken(db, id, cliActor()) : null };
        }),
      );
      if (!before || !after)
        throw new CliError(`no token with id '${id}'; \`shelfcast token list\` shows the ids`);
      if (options.json) return printJson(after);
      process.stdout.write(
        before.revokedAt
          ? `token ${id} was already revoked at ${before.revokedAt}; nothing changed\n`
          : `revoked token ${id} (${after.role}, "${after.name}")\n`,
      );
    });
}

export function formatTokens(tokens: readonly ApiToken[]): string {
  if (tokens.length === 0) return 'no API tokens yet; create one with `shelfcast token create --role admin`';
  return formatTable(
    ['id', 'name', 'role', 'created', 'created by', 'last used', 'revoked'],
    tokens.map((t) => [
      t.id,
      t.name,
      t.role,
      t.createdAt,
      t.createdBy ?? '',
      t.lastUsedAt ?? '',
      t.revokedAt ?? '',
    ]),
  );
}
