/** A file that cannot be imported at all (missing, unreadable, wrong format); the message says why. */
export class FileImportError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly location: { row?: number; column?: string } = {},
  ) {
    super(
      `${file}${location.row !== undefined ? `: row ${location.row}` : ''}${location.column ? `, column "${location.column}"` : ''}: ${message}`,
    );
  }
}
