// @Type() reads design types through reflect-metadata; the CLI and specs load policy and plan files without Nest.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { YamlSource } from '@infergate/common';
import { itemCheckOf, itemMessageOf } from '../dto/each-item.decorator';
import { TYPE_CONSTRAINTS } from '../pipe/validation-errors';
import { TRANSFORM_OPTIONS } from '../pipe/validation-options';

/**
 * Validation of configuration-as-code files (policies, plans): YAML whose mappings are checked with
 * class-validator classes. Such a file often has mappings whose keys the file chooses (plan names,
 * application ids) or lists of entries (rules): class-validator checks the properties a class declares,
 * so a loader walks those keys or items itself and checks each entry with its class (checkMapping()).
 * Problems are paths, not pointers, so that the loader can find their line in the YAML.
 */

/** A problem at a path in the file (the loader turns it into `file:line: at /pointer: message`). */
export interface FileIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Unknown keys are refused (a typo in a limit or a rule must not silently do less) and a nested value
 * must have been built into its class. The value stays on each error: EachItem() checks find their
 * failing items in it (nothing here is sent to a client).
 */
export const FILE_VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false },
};

/** A YAML mapping (a plain object, not a list or a scalar). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of a mapping; none for anything else (its own check reports that). */
export function mappingEntries(value: unknown): [string, unknown][] {
  return isMapping(value) ? Object.entries(value) : [];
}

/**
 * Keys that reach an object's prototype: class-transformer throws on a `constructor` key and a naive
 * copy of the value would be polluted, so they are refused wherever they are, before any class is built.
 */
const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Every prototype key in `value` and below it, at its path. */
export function prototypeKeyIssues(value: unknown, path: (string | number)[]): FileIssue[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => prototypeKeyIssues(item, [...path, index]));
  if (!isMapping(value)) return [];
  return Object.keys(value).flatMap((key) =>
    PROTOTYPE_KEYS.includes(key)
      ? [{ path: [...path, key], message: `key "${key}" is not allowed (it names an object prototype)` }]
      : prototypeKeyIssues(value[key], [...path, key]),
  );
}

/**
 * Checks `value`, found at `path`, with the class `type`: `notMapping` when it is not a mapping, its
 * prototype keys if it has any, otherwise one issue per failing property (fileIssuesOf()). Nothing is
 * converted (no implicit conversion), so a valid value can be used as it is.
 */
export function checkMapping(
  type: new () => object,
  value: unknown,
  path: (string | number)[],
  notMapping = 'must be a mapping',
): FileIssue[] {
  if (!isMapping(value)) return [{ path, message: notMapping }];
  const prototypeKeys = prototypeKeyIssues(value, path);
  if (prototypeKeys.length > 0) return prototypeKeys;
  return fileIssuesOf(validateSync(plainToInstance(type, value, TRANSFORM_OPTIONS), FILE_VALIDATOR_OPTIONS), path);
}

/**
 * class-validator's error tree as issues below `parent`: an unknown key by name; a value of the wrong
 * type (or a missing one) by that failure alone, without what follows from it; a failing EachItem()
 * check once per failing item, at the item; otherwise one issue per property with its messages.
 */
export function fileIssuesOf(errors: readonly ValidationError[], parent: (string | number)[]): FileIssue[] {
  return errors.flatMap((error) => {
    // An unknown value (forbidUnknownValues, e.g. a `constructor:` key) is reported on its object, without a property.
    const path = error.property === undefined || error.property === null ? parent : [...parent, error.property];
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if ('whitelistValidation' in constraints) return [{ path, message: `unknown key "${String(error.property)}"` }];
    if ('unknownValue' in constraints) return [{ path, message: 'must be a mapping of the known keys' }];
    const typeError = 'isDefined' in constraints ? 'isDefined' : names.find((name) => TYPE_CONSTRAINTS.has(name));
    if (typeError !== undefined) return [{ path, message: constraints[typeError] }];
    const own: FileIssue[] = [];
    const messages = new Set<string>();
    for (const name of names) {
      const isValidItem = itemCheckOf(name);
      if (isValidItem && Array.isArray(error.value)) {
        error.value.forEach((item: unknown, index) => {
          if (!isValidItem(item)) own.push({ path: [...path, index], message: itemMessageOf(name, item) ?? constraints[name] });
        });
      } else {
        messages.add(constraints[name]);
      }
    }
    if (messages.size > 0) own.unshift({ path, message: [...messages].join('; ') });
    return [...own, ...fileIssuesOf(error.children ?? [], path)];
  });
}

/** The issues in the order of the file's lines (then as found), each with its line, so that a reader can go down the file. */
export function inFileOrder<T extends FileIssue>(source: YamlSource, issues: readonly T[]): (T & { line: number })[] {
  return issues
    .map((issue, index) => ({ issue: { ...issue, line: source.lineOf(issue.path) }, index }))
    .sort((a, b) => a.issue.line - b.issue.line || a.index - b.index)
    .map(({ issue }) => issue);
}
