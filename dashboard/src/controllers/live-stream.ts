import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { io, type Socket } from 'socket.io-client';
import type { LiveSnapshot } from '../../../api/index.ts';

export type { LiveSnapshot };
export type StreamStatus = 'connecting' | 'live' | 'disconnected' | 'denied';

/**
 * Follows the server's coalesced live pushes over socket.io (same-origin, session cookie) and
 * re-renders its host on each one. The server pushes at most a few times per second.
 */
export class LiveStreamController implements ReactiveController {
  status: StreamStatus = 'connecting';
  snapshot: LiveSnapshot | null = null;
  /** The rate history the server sent on joining (and on each reconnect): for a chart to start from. */
  recent: [number, number][] = [];
  private socket: Socket | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly event = 'live',
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const socket = io({ transports: ['websocket'], withCredentials: true });
    this.socket = socket;
    socket.on('connect', () => this.set('live'));
    // the server ends a socket whose session was logged out or expired: that one does not reconnect
    socket.on('disconnect', (reason) =>
      this.set(reason === 'io server disconnect' ? 'denied' : 'disconnected'),
    );
    socket.on('connect_error', (err: Error) => {
      if (err.message === 'UNAUTHENTICATED') {
        socket.close();
        this.set('denied');
      } else this.set('disconnected');
    });
    socket.on(this.event, (s: LiveSnapshot) => {
      this.snapshot = s;
      if (s.recent) this.recent = s.recent;
      this.status = 'live';
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.socket?.close();
    this.socket = null;
  }

  private set(status: StreamStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}
