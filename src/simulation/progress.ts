// A progress bar for long commands (simulation, benchmark): redrawn in place on a terminal,
// one line per tenth otherwise (CI logs, files).
export class Progress {
  private done = 0;
  private lastTenth = -1;
  private readonly started = performance.now();
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  tick(extra = ''): void {
    this.done++;
    this.draw(extra);
  }

  private draw(extra: string): void {
    const share = this.total === 0 ? 1 : this.done / this.total;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const width = 30;
    const filled = Math.round(share * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${(share * 100).toFixed(0)}% ${rate.toFixed(1)}/s ${seconds.toFixed(0)} s ${extra}`;
    if (this.tty) {
      this.out.write(`\r${line.padEnd(100)}`);
      if (this.done >= this.total) this.out.write('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${line}\n`);
    }
  }
}
