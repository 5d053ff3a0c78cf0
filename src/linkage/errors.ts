/** Bad linkage input or configuration: says what, where (file, row, column) and what was expected. */
export class LinkageError extends Error {
  override name = 'LinkageError';
  constructor(
    message: string,
    /** Every problem found, when there are several (the message names the first ones). */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}

/** A request outside a project's purpose (dataset, analyst, end date). It is logged before it is thrown. */
export class AccessRefused extends Error {
  override name = 'AccessRefused';
}
