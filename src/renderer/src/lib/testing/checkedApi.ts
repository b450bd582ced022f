import { schemas } from '../../../../shared/api';

type Method = (input: unknown) => unknown;

/**
 * The view's API for component tests: every call is first validated by its schema in shared/api.ts,
 * so a view that sends what the contract refuses (or calls a method the test did not expect) fails
 * the test; such calls are also recorded in `refused` for an afterEach check.
 */
export function schemaChecked<T extends object>(fake: T, refused: string[]): T {
  const target = fake as Record<string, Method | undefined>;
  return new Proxy(fake, {
    get: (_fake, method: string) => async (input: unknown) => {
      const schema = (schemas as Record<string, { safeParse(x: unknown): { success: boolean; error?: unknown } }>)[
        method
      ];
      const r = schema?.safeParse(input);
      const call = target[method];
      if (!call || !r?.success) {
        const why = `${method}(${JSON.stringify(input)}): ${r ? String(r.error) : 'not a method this view should call'}`;
        refused.push(why);
        throw new Error(why);
      }
      return call(input);
    },
  });
}
