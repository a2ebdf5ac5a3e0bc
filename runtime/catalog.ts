import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadCatalog, type CompiledCatalog } from '../domain/catalog/index.ts';

export class CatalogFileError extends Error {
  readonly code = 'CATALOG_INVALID';
}

/** Reads and validates the tariff catalog file; the error lists every problem with its path. */
export function loadCatalogFile(path: string): CompiledCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (err) {
    throw new CatalogFileError(`cannot read catalog ${path}: ${(err as Error).message}`);
  }
  const r = loadCatalog(json);
  if (!r.ok)
    throw new CatalogFileError(
      `catalog ${path} is invalid:\n${r.errors.map((e) => `  ${e.path}: ${e.message} (${e.code})`).join('\n')}`,
    );
  return r.catalog;
}
