import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { quickAccept } from './quick-accept.ts';

// ajv-formats ships CJS with a default export; under NodeNext it arrives wrapped.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsModule = addFormatsModule as unknown as FormatsPlugin & { default?: FormatsPlugin };
/** ajv-formats' plugin, unwrapped (the formats every StreamBSS validator knows). */
export const addFormats: FormatsPlugin = formatsModule.default ?? formatsModule;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, removeAdditional: false });
addFormats(ajv);

/** One validation failure, naming the field at fault in JSON-pointer form ('/durationSec'). */
export interface FieldError {
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: FieldError };

export interface Validator<T> {
  (input: unknown): Validated<T>;
  schema: TSchema;
}

function firstError(errors: ErrorObject[] | null | undefined): FieldError {
  const e = errors?.[0];
  if (!e) return { field: '/', message: 'invalid' };
  let field = e.instancePath || '/';
  if (e.keyword === 'required') field = `${e.instancePath}/${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties')
    return { field: `${e.instancePath}/${String(e.params.additionalProperty)}`, message: 'unknown property' };
  return { field, message: e.message ?? 'invalid' };
}

/**
 * Compiles a TypeBox schema once (ajv, with a quicker TypeBox check in front that may only
 * accept: see quick-accept.ts). Unions of closed objects report the first branch's error,
 * which is confusing: for discriminated unions, pass `discriminator` to pick the branch first.
 */
export function compile<S extends TSchema>(schema: S): Validator<Static<S>> {
  // A schema with an $id may already be known (compiled alone or inside a union): reuse it.
  const id = (schema as { $id?: unknown }).$id;
  const known = typeof id === 'string' ? ajv.getSchema(id) : undefined;
  const fn: ValidateFunction = known ?? ajv.compile(schema);
  // ajv decides; TypeBox's compiled check only lets the common, valid case skip it.
  const quick = quickAccept(schema);
  const v = ((input: unknown) =>
    quick?.(input) || fn(input)
      ? { ok: true, value: input as Static<S> }
      : { ok: false, error: firstError(fn.errors) }) as Validator<Static<S>>;
  v.schema = schema;
  return v;
}

/** Validates a union discriminated by a string property, reporting errors of the matching branch. */
export function compileTagged<S extends TSchema>(
  tag: string,
  branches: Record<string, S>,
): Validator<Static<S>> {
  const compiled = new Map(Object.entries(branches).map(([k, s]) => [k, compile(s)]));
  const v = ((input: unknown) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return { ok: false, error: { field: '/', message: 'must be object' } };
    const key = (input as Record<string, unknown>)[tag];
    const branch = typeof key === 'string' ? compiled.get(key) : undefined;
    if (!branch)
      return {
        ok: false,
        error: { field: `/${tag}`, message: `must be one of ${[...compiled.keys()].join(', ')}` },
      };
    return branch(input);
  }) as Validator<Static<S>>;
  v.schema = { anyOf: Object.values(branches) } as unknown as TSchema;
  return v;
}
