/**
 * Why a request about notes or stories cannot be done. `not-found` is also the answer for
 * something the caller may not see, so nothing tells hidden things from missing ones.
 */
export class AnnotationError extends Error {
  override name = 'AnnotationError';
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}
