import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { io, type Socket } from 'socket.io-client';

/**
 * Listens to one socket.io event (the server puts the socket in the rooms its role may see) and
 * hands each coalesced push to `onPush`. Used for ticket updates on boards, technician and hall.
 */
export class SocketEventController<T> implements ReactiveController {
  connected = false;
  private socket: Socket | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly event: string,
    private readonly onPush: (payload: T) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const socket = io({ transports: ['websocket'], withCredentials: true });
    this.socket = socket;
    socket.on('connect', () => (this.connected = true));
    socket.on('disconnect', () => (this.connected = false));
    socket.on(this.event, (p: T) => this.onPush(p));
  }

  hostDisconnected(): void {
    this.socket?.close();
    this.socket = null;
  }
}
