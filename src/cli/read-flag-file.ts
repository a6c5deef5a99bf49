import { closeSync, constants, openSync, readSync, type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { ConformanceError, describeError } from "../errors.js";

/** Far above any CA bundle, key or expectations file; a device that never ends stops here. */
const MAX_FLAG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The text of a file a flag names, read without blocking the process (a pipe nobody writes to
 * leaves Ctrl-C working) and no further than a bound (a device such as /dev/zero never ends).
 */
export async function readFlagFile(flag: string, path: string): Promise<string> {
  let kind: Stats;
  try {
    kind = await stat(path);
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`);
  }
  // A terminal or a device is read by a thread that nothing can stop, and would hold the process at its exit.
  if (kind.isCharacterDevice() || kind.isBlockDevice() || kind.isSocket()) {
    throw new ConformanceError("LGWC_CONFIG", `${flag} ${path} names a device, not a file; give the file itself.`);
  }
  if (kind.isFIFO()) return readPipe(flag, path);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_FLAG_FILE_BYTES) throw tooLarge(flag, path);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (error instanceof ConformanceError) throw error;
    throw new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(flag: string, path: string): ConformanceError {
  return new ConformanceError("LGWC_CONFIG", `${flag} ${path} holds more than ${MAX_FLAG_FILE_BYTES / 1024 / 1024} MiB (or never ends, as a device does); give the file itself.`);
}

/**
 * A pipe (bash's <(…), a named FIFO), opened without waiting for a writer and read by the event
 * loop: one with no writer reads as empty at once, and a stop is never held by a blocked thread.
 */
function readPipe(flag: string, path: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return Promise.reject(new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`));
  }
  // Linux never wakes a poll on a FIFO no writer ever opened: one read now tells "no writer" (0, end of file) from "a writer, no data yet" (EAGAIN).
  const first = Buffer.alloc(64 * 1024);
  let firstRead = 0;
  try {
    firstRead = readSync(fd, first, 0, first.length, null);
    if (firstRead === 0) {
      closeSync(fd);
      return Promise.resolve("");
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") {
      closeSync(fd);
      return Promise.reject(new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`));
    }
  }
  return new Promise<string>((resolve, reject) => {
    const pipe = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = firstRead > 0 ? [first.subarray(0, firstRead)] : [];
    let total = firstRead;
    pipe.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_FLAG_FILE_BYTES) {
        pipe.destroy();
        reject(tooLarge(flag, path));
        return;
      }
      chunks.push(chunk);
    });
    pipe.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    pipe.once("error", (error) => reject(new ConformanceError("LGWC_CONFIG", `Cannot read ${flag} ${path}: ${describeError(error)}.`)));
  });
}

/** Settles with the work, or rejects as soon as `stopped` says the run is stopping (checked every 100 ms). */
export function unlessStopped<T>(work: Promise<T>, stopped: () => boolean, stoppedError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stopped()) {
        clearInterval(timer);
        reject(stoppedError());
      }
    }, 100);
    work.then(
      (value) => {
        clearInterval(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearInterval(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
