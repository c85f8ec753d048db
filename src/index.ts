import { run } from './main.js';

// Exit explicitly once run() is done: pooled HTTPS connections of the Azure SDK would otherwise keep the
// process alive for their idle timeout. run() has already set the exit code.
await run();
process.exit();
