import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { ClaraError } from '../core/errors';
import type { OptionMeta } from '../shared/options';

export function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

export function floatArg(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
    return n;
  };
}

/** `checkpointEverySec` → `checkpoint-every` (its meta's flag), else the name in kebab case. */
function flagOf(key: string, field: z.ZodType): string {
  return (field.meta() as OptionMeta | undefined)?.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The property commander stores a flag's value under. */
function attributeOf(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The schema under `.optional()` and `.default()`, where the type and bounds are. */
function innerOf(field: z.ZodType): z.ZodType {
  let f = field;
  while (f instanceof z.ZodOptional || f instanceof z.ZodDefault) f = f.unwrap() as z.ZodType;
  return f;
}

/**
 * Adds one flag per field of an option schema (shared/options.ts): `--kebab-name <arg>`, its
 * description and default. A number is checked against the field as it is read, so a bad value is
 * commander's one line naming the flag; the rest is checked by `optionValues`.
 */
export function addOptions(cmd: Command, schema: z.ZodObject): Command {
  for (const [key, f] of Object.entries(schema.shape)) {
    const field = f as z.ZodType;
    const m = (field.meta() as OptionMeta | undefined) ?? { description: '' };
    const flag = `--${flagOf(key, field)}`;
    const inner = innerOf(field);
    const boolean = inner instanceof z.ZodBoolean;
    const opt = new Option(
      `${m.short ? `-${m.short}, ` : ''}${flag}${boolean ? '' : ` <${m.arg ?? 'value'}>`}`,
      m.description,
    );
    const fallback = field.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) opt.default(fallback.data);
    if (inner instanceof z.ZodNumber) {
      const { minValue: min, maxValue: max, isInt } = inner;
      opt.argParser((value: string) => {
        const r = field.safeParse(value.trim() === '' ? Number.NaN : Number(value));
        if (!r.success)
          throw new InvalidArgumentError(
            min !== null && max !== null
              ? `${m.short ? `-${m.short}` : flag} must be ${isInt ? 'an integer' : 'a number'} from ${min} to ${max}.`
              : `${flag}: ${r.error.issues[0]!.message}`,
          );
        return r.data;
      });
    } else if (m.list)
      opt.argParser((value: string) =>
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    cmd.addOption(opt);
  }
  return cmd;
}

/**
 * The values of a schema's flags, validated by it: any fault is one line naming the flag
 * (`--preset: unknown preset "nope" (expected tiny, laptop, clara)`).
 */
export function optionValues<S extends z.ZodObject>(schema: S, flags: Record<string, unknown>): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const v = flags[attributeOf(flagOf(key, field as z.ZodType))];
    if (v !== undefined) input[key] = v;
  }
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const field = schema.shape[key] as z.ZodType | undefined;
  throw new ClaraError(issue.message, 'bad-option', field ? `--${flagOf(key, field)}` : 'option');
}
