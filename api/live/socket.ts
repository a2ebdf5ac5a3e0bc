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
/** How often open sockets re-check their session (logout or expiry ends the live stream). */
export const SESSION_RECHECK_MS = 30_000;

interface SocketData {
  session: Session;
  token: string;
}

export interface LiveSockets {
  io: Server;
  /** Disconnects every socket whose session has ended; returns how many. */
  recheck(): Promise<number>;
  stop(): void;
}

/**
 * socket.io on the API's HTTP server. A connection needs the same session cookie as HTTP (the
 * handshake is refused with UNAUTHENTICATED otherwise); sessions are re-checked periodically.
 */
export function attachSocket(app: FastifyInstance, store: AuthStore): LiveSockets {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(
    app.server,
    {
      serveClient: false,
      cors: { origin: false },
      maxHttpBufferSize: 16 * 1024,
    },
  );
  io.use((socket, next) => {
    const token = app.parseCookie(socket.request.headers.cookie ?? '')[SESSION_COOKIE];
    store
      .getSession(token)
      .then((session) => {
        if (!session || !token) return next(new Error('UNAUTHENTICATED'));
        socket.data.session = session;
        socket.data.token = token;
        next();
      })
      .catch(() => next(new Error('UNAVAILABLE')));
  });
  const recheck = async () => {
    let ended = 0;
    for (const socket of io.of('/').sockets.values()) {
      const live = await store.getSession(socket.data.token).catch(() => 'unknown' as const);
      if (live === null) {
        socket.disconnect(true);
        ended++;
      }
    }
    return ended;
  };
  const timer = setInterval(() => void recheck(), SESSION_RECHECK_MS);
  timer.unref();
  return { io: io as unknown as Server, recheck, stop: () => clearInterval(timer) };
}

/** Joins a connected socket to the NOC room when its role allows, and sends the current picture. */
export function joinRooms(socket: Socket, feed: LiveFeed): void {
  const session = (socket.data as Partial<SocketData>).session;
  if (session && nocRoles.includes(session.role)) {
    void socket.join(NOC_ROOM);
    socket.emit(LIVE_EVENT, feed.current());
  }
}
