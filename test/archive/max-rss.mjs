// Preloaded into the CLI by tests: prints the process's peak resident memory on exit, so a test can bound it.
process.on('exit', () => process.stderr.write(`max-rss-kb=${process.resourceUsage().maxRSS}\n`));
