/** The CLI's only writer: results to stdout, failures as one line to stderr. */
export const CliOutput = {
  line(text: string): void {
    process.stdout.write(`${text}\n`);
  },
  fail(reason: string): void {
    process.stderr.write(`infergate: ${reason}\n`);
  },
};
