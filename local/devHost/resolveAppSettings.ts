// Binding expressions `%NAME%` name an app setting, which the Functions host substitutes when it indexes
// the functions (a timer's `schedule: "%IDENTITY_PROBE_SCHEDULE%"`). An unset setting fails the function's
// indexing with a message that names it.

export type AppSettings = Readonly<Record<string, string | undefined>>;

export function resolveAppSettings(value: string, settings: AppSettings, where: string): string {
  return value.replace(/%([^%\s]+)%/g, (_whole, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined || resolved === "") {
      throw new Error(`${where} refers to the app setting "%${name}%", which is not set. Set ${name} in the environment.`);
    }
    return resolved;
  });
}
