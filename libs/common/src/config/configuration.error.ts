/** Raised when configuration is invalid or unsafe; `problems` holds one human-readable line each. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** What a process's environment looks like to the configuration loaders. */
export type Environment = Readonly<Record<string, string | undefined>>;
