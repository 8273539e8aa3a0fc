// @ts-check
/**
 * Node flags the server runs with, wherever it is started (`npm start`, the benchmarks).
 *
 * A larger young generation: each push allocates short-lived messages, documents and rows, and with
 * V8's default 16 MB semi-spaces the busy server spent about a tenth of its main thread in garbage
 * collection. 32 MB semi-spaces raised pushes per second by about a tenth in the sync benchmark, for
 * about 150 MB more memory at peak.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];
