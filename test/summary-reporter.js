// Ends the jest output with one plain line, "tests: N passed, N failed", that CI reads as the
// run's result (jest's own summary line is not in a form it recognises), after a line for each
// skipped test: their names say why they were skipped.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    for (const file of results.testResults)
      for (const test of file.testResults)
        if (test.status === 'pending' || test.status === 'todo')
          process.stdout.write(`\nskipped: ${test.fullName}`);
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
