/**
 * The y-websocket reference server for `npm run bench:sync`: @y/websocket-server's own
 * `setupWSConnection`, one socket per document, the document named by the URL path, documents kept
 * in memory (no YPERSISTENCE). Prints "y-websocket listening on <port>" once it accepts sockets.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const server = http.createServer((_request, response) => {
	response.writeHead(200, { 'Content-Type': 'text/plain' });
	response.end('okay');
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (request, socket, head) => {
	wss.handleUpgrade(request, socket, head, (ws) => {
		const docName = (request.url ?? '/').slice(1).split('?')[0] ?? '';
		setupWSConnection(ws, request, { docName, gc: true });
	});
});

// A larger accept backlog: the benchmark opens hundreds of sockets at once.
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', 4096, () => {
	const address = server.address();
	console.log(`y-websocket listening on ${typeof address === 'object' && address ? address.port : ''}`);
});

const stop = () => {
	for (const ws of wss.clients) ws.terminate();
	server.close();
	process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
