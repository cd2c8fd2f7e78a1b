// A spinner on stderr while checks run, so a person at a terminal sees that something is happening.
// Only on a terminal: in a pipe, a log file or --json mode the line would be noise in the output.
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): boolean;
}

export interface ProgressLine {
  stop(): void;
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
// Carriage return, then "erase in line" (ECMA-48 EL): the next frame or the result starts on a clean line.
const clearLine = "\r\u001b[2K";

export function startProgressLine(options: {
  readonly stream: ProgressStream;
  readonly enabled: boolean;
  readonly text: string;
}): ProgressLine {
  const { stream, text } = options;
  if (!options.enabled || stream.isTTY !== true) return { stop: () => undefined };
  const startedAt = Date.now();
  let frame = 0;
  const draw = (): void => {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    stream.write(`${clearLine}${frames[frame % frames.length] ?? "-"} ${text} ${seconds} s`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 100);
  // The spinner never keeps the process alive on its own.
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write(clearLine);
    },
  };
}
