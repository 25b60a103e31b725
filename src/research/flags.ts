/**
 * The research commands' flag reader: `--name value` or `--name=value`, switches without a
 * value, every problem on its own line (the caller exits 2). Typed readers record a problem
 * and return undefined for a bad value, so all problems are reported at once.
 */
export class Flags {
  readonly problems: string[] = [];
  readonly positional: string[] = [];
  private readonly raw = new Map<string, string[]>();
  help = false;

  constructor(argv: readonly string[], known: readonly string[], switches: readonly string[] = [], multi: readonly string[] = []) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '--help' || arg === '-h') {
        this.help = true;
        continue;
      }
      if (!arg.startsWith('--')) {
        this.positional.push(arg);
        continue;
      }
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (!known.includes(name) && !switches.includes(name)) {
        this.problems.push(`--${name}: unknown option (try --help)`);
        if (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
        continue;
      }
      if (switches.includes(name)) {
        this.raw.set(name, ['true']);
        continue;
      }
      const values: string[] = [];
      if (eq > 0) values.push(arg.slice(eq + 1));
      else while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && (values.length === 0 || multi.includes(name))) values.push(argv[++i]!);
      if (values.length === 0 || values.some((v) => v === '')) this.problems.push(`--${name}: expected a value`);
      else if (this.raw.has(name)) this.problems.push(`--${name}: given twice`);
      else this.raw.set(name, values);
    }
  }

  has(name: string): boolean {
    return this.raw.has(name);
  }

  string(name: string): string | undefined {
    return this.raw.get(name)?.[0];
  }

  list(name: string): readonly string[] {
    return this.raw.get(name) ?? [];
  }

  number(name: string, valid: (n: number) => boolean, expected: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || !valid(n)) {
      this.problems.push(`--${name}: "${v}" must be ${expected}`);
      return undefined;
    }
    return n;
  }

  choice<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if ((options as readonly string[]).includes(v)) return v as T;
    this.problems.push(`--${name}: "${v}" must be one of ${options.join(', ')}`);
    return fallback;
  }

  time(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(t)) {
      this.problems.push(`--${name}: "${v}" is not an ISO-8601 time such as 2023-01-01T00:00:00Z`);
      return undefined;
    }
    return t;
  }
}

export const isInt = (n: number): boolean => Number.isInteger(n);
