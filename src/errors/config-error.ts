/** A configuration value (environment variable or command-line flag) that cannot be used. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly variable: string

  constructor(variable: string, problem: string, options?: ErrorOptions) {
    super(`${variable}: ${problem}`, options)
    this.variable = variable
  }
}
