// What a note or a figure is about, checked against the store as the writer may see it: an
// indicator they may see, a region of the register, a CBS period code.
import { visibleCondition, type AccessContext } from '../access/roles.js';
import { parsePeriod, parseRegionCode } from '../core/index.js';
import type { Store } from '../store/index.js';
import { AnnotationError } from './errors.js';

/** The indicator if `access` may see it. */
export async function visibleIndicator(
  store: Store,
  access: AccessContext,
  id: string,
): Promise<{ id: string; built: string; definition_hash: string } | undefined> {
  return store.one(
    `SELECT id, built, definition_hash FROM indicator i WHERE id = $1 AND ${visibleCondition(access, 'i.confidentiality')}`,
    [id],
  );
}

/** An indicator id the writer may see, or an 'invalid' error naming `where`. */
export async function checkIndicator(
  store: Store,
  access: AccessContext,
  id: string,
  where: string,
): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(id) || !(await visibleIndicator(store, access, id)))
    throw new AnnotationError('invalid', `${where}: there is no indicator "${id.slice(0, 100)}"`);
  return id;
}

/** A region code of the register (canonical upper case), or an 'invalid' error naming `where`. */
export async function checkRegion(store: Store, code: string, where: string): Promise<string> {
  const parsed = parseRegionCode(code);
  if (!parsed.ok) throw new AnnotationError('invalid', `${where}: ${parsed.error}`);
  const known = await store.one('SELECT 1 AS x FROM region_year WHERE code = $1 LIMIT 1', [
    parsed.value.code,
  ]);
  if (!known)
    throw new AnnotationError(
      'invalid',
      `${where}: region ${parsed.value.code} is in no year of the register`,
    );
  return parsed.value.code;
}

/** A CBS period code (canonical), or an 'invalid' error naming `where`. */
export function checkPeriod(code: string, where: string): string {
  const parsed = parsePeriod(code);
  if (!parsed.ok) throw new AnnotationError('invalid', `${where}: ${parsed.error}`);
  return parsed.value.code;
}
