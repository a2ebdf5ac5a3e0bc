import { Server, type Socket } from 'socket.io';
import type { FastifyInstance } from 'fastify';
import type { AuthStore, Session } from '../auth/index.ts';
import { SESSION_COOKIE } from '../auth/index.ts';
import type { Role } from '../schemas.ts';
import type { LiveFeed } from './feed.ts';

/** Roles that may watch the NOC live room. */
export const nocRoles: readonly Role[] = ['noc', 'supervisor', 'admin'];
export const NOC_ROOM = 'noc';
export const LIVE_EVENT = 'live';

interface SocketData {
  session: Session;
}

/**
 * socket.io on the API's HTTP server. A connection needs the same session cookie as HTTP (the
 * handshake is refused otherwise); it joins the rooms its role may see.
 */
export function attachSocket(app: FastifyInstance, store: AuthStore): Server {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(
    app.server,
    {
      serveClient: false,
      cors: { origin: false },
      maxHttpBufferSize: 16 * 1024,
    },
  );
  io.use((socket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    store
      .getSession(cookies[SESSION_COOKIE])
      .then((session) => {
        if (!session) return next(new Error('UNAUTHENTICATED'));
        socket.data.session = session;
        next();
      })
      .catch(() => next(new Error('UNAVAILABLE')));
  });
  return io as unknown as Server;
}

/** Joins a connected socket to the NOC room when its role allows, and sends the current picture. */
export function joinRooms(socket: Socket, feed: LiveFeed): void {
  const session = (socket.data as Partial<SocketData>).session;
  if (session && nocRoles.includes(session.role)) {
    void socket.join(NOC_ROOM);
    socket.emit(LIVE_EVENT, feed.current());
  }
}
