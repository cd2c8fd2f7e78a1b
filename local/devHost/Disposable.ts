// The `Disposable` class of `@azure/functions-core`: registerFunction and registerHook return one, and
// the module exports the class itself (types-core: `class Disposable { static from(...); dispose() }`).
import type { DisposableLike } from "./functionsCoreTypes.js";

export class Disposable implements DisposableLike {
  /** One disposable for many; asynchronous dispose functions are not awaited (as in the worker). */
  static from(...disposables: DisposableLike[]): Disposable {
    return new Disposable(() => {
      for (const disposable of disposables) if (typeof disposable?.dispose === "function") disposable.dispose();
    });
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  /** Runs the dispose function once; later calls do nothing. */
  dispose(): unknown {
    const callOnDispose = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return callOnDispose?.();
  }
}
