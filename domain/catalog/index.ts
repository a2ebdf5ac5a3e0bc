export * from './schema.ts';
export { loadCatalog, validateSemantics, type LoadedCatalog } from './load.ts';
export {
  matchPrefix,
  versionAt,
  spanAt,
  DEFAULT_LOW_BALANCE_FEN,
  DEFAULT_KEEP_NUMBER_FEE_FEN,
  type CompiledCatalog,
  type CompiledPlan,
  type CompiledPlanVersion,
  type CompiledRates,
  type CompiledTimedRate,
  type CompiledWindows,
  type CompiledDestination,
  type PrefixTrie,
} from './compile.ts';
export { checkCatalogChange, canonicalJson, type CatalogCheck, type ChangeContext } from './validate.ts';
export { CatalogError, type CatalogIssue, type CatalogIssueCode } from './errors.ts';
export * from './time.ts';
