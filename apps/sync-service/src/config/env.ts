// The only file that reads process.env (STYLE practice 13). Everything else receives a typed,
// validated AppConfig, or asks this file for one named variable (a CLI flag such as
// `--api-key-env JC_API_KEY` names where the key is, so it never appears in argv or shell history).

/** A snapshot of the environment, so config parsing is a pure function of it. */
export function readEnvironment(): Readonly<Record<string, string | undefined>> {
  return { ...process.env };
}

/** One variable named at run time (e.g. by `--api-key-env`); undefined when unset or empty. */
export function readNamedVariable(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
