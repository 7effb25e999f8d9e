import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigurationError } from './configuration.error';

/** One invalid setting: its dotted path below the validated object, and what is wrong with it. */
export interface OptionsProblem {
  path: string;
  message: string;
}

type OptionsClass<T> = new () => T;

/**
 * Turns plain options (a module's forRoot argument, or a parsed configuration file) into an instance
 * of their class: defaults from the class's initialisers, coercion only where a property asks for it
 * (@ToNumber, @ToBoolean), unknown keys refused. Returns the instance and every problem found.
 */
export function checkOptions<T extends object>(type: OptionsClass<T>, raw: unknown): { value: T; problems: OptionsProblem[] } {
  const value = plainToInstance<T, unknown>(type, raw ?? {}, { exposeDefaultValues: true, enableImplicitConversion: false });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { value, problems: [{ path: '', message: 'must be an object' }] };
  }
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { value, problems: flatten(errors, '') };
}

/**
 * Validates a module's options once, at start: the process refuses to start with one line per
 * problem naming the setting (`identity.accessTokenTtlSeconds: must not be greater than 3600`).
 */
export function validateOptions<T extends object>(type: OptionsClass<T>, raw: unknown, scope: string): T {
  const { value, problems } = checkOptions(type, raw);
  if (problems.length > 0) {
    throw new ConfigurationError(problems.map((p) => `${[scope, p.path].filter(Boolean).join('.')}: ${p.message}`));
  }
  return value;
}

function flatten(errors: ValidationError[], prefix: string): OptionsProblem[] {
  const problems: OptionsProblem[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    // One line per setting: class-validator lists the constraints last-declared first, and the first
    // declared is the type check ("must be an integer number" rather than three range complaints).
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) problems.push({ path, message: withoutProperty(messages[messages.length - 1], error.property) });
    if (error.children?.length) problems.push(...flatten(error.children, path));
  }
  return problems;
}

/** class-validator starts its messages with the property name, which the path already says. */
function withoutProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
