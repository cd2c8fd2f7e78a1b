// The worker marks the errors it raises itself (as opposed to the app's) with
// `isAzureFunctionsSystemError`; the library looks for that flag (e.g. on a RangeError from registerHook
// to say that log hooks need a newer host), so the dev host raises the same shapes.

export class FunctionsSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
  override name = "AzFuncSystemError";
}

export class FunctionsRangeError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}
