/** A policy condition restrictQuery cannot express in SQL: a policy or programming error, never the caller's. */
export class UntranslatableConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = UntranslatableConditionError.name;
  }
}
