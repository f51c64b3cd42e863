// npm does not pass SIGTERM on to the script it runs: it exits and leaves its child running.
// So a supervised process watches its parent, and stops as if signalled once the parent is gone.
export function stopWhenOrphaned(stop: () => void, everyMs = 1000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, everyMs);
  timer.unref();
}
