// Stack traces of the bundled action name src/ files and lines: Node applies source maps only to modules
// loaded after this call (a node24 action cannot pass --enable-source-maps), so the action itself is
// imported dynamically, after it.
process.setSourceMapsEnabled(true);
const { run } = await import('./main.js');

// Exit explicitly once run() is done: pooled HTTPS connections of the Azure SDK would otherwise keep the
// process alive for their idle timeout. run() has already set the exit code.
await run();
process.exit();
