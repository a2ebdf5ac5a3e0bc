import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { shanghaiIso } from '../../../domain/catalog/index.ts';
import { portCodeExpiresAtMs, portOutBlocks } from '../../../domain/orders/index.ts';
import { PipelinedPublisher } from '../../../infra/nats/index.ts';
import { sendLineClosure } from '../../../processors/rating/index.ts';
import { ApiError } from '../../errors.ts';
import { E164 } from '../../schemas.ts';
import { chargingStateOf } from './balance.ts';
import { staffAndCustomer, who, type CareContext } from './context.ts';
import { customerKey, loadLine } from './customer-view.ts';
import { actorOf } from './recorder.ts';
import { Channel, type LineRecord } from './records.ts';
import { msisdnKey } from './store.ts';

const Params = Type.Object({ msisdn: E164 }, { additionalProperties: false });
const RequestId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' });
/** Wrong codes a given authorization survives; then it is void and the owner asks again. */
const MAX_WRONG_CODES = 5;

const hashOf = (msisdn: string, code: string) =>
  createHash('sha256').update(`${msisdn}:${code}`).digest('hex');
const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
const minute = (ms: number) => shanghaiIso(ms).slice(0, 16).replace('T', ' ');

/**
 * 携号转网 (porting a number out). The owner (in the hall, or through an agent) checks what stands
 * in the way, then asks for an authorization code: six digits sent to the line by SMS, good for
 * 30 days, stored here only as a hash (no agent ever sees it). The operator the owner moves to
 * presents it through the number portability gateway (`POST /api/v1/port-out/completions`,
 * admin: the gateway's login); checked again then, the line closes here and the number goes.
 */
export function portOutRoutes(app: FastifyInstance, ctx: CareContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const publisher = new PipelinedPublisher(ctx.deps.nats.js, 4);
  const close = (msisdn: string, requestId: string, atMs: number) =>
    sendLineClosure(publisher, ctx.deps.config.CDR_PARTITIONS, {
      closureId: requestId,
      msisdn,
      reason: 'port_out',
      atMs,
    });
  const blocksOf = async (line: LineRecord, nowMs: number) =>
    portOutBlocks({
      lineStatus: line.status,
      lost: line.loss !== undefined,
      openedAtMs: line.openedAtMs,
      contractEndMs: line.contractEndMs,
      devicesOutstanding: line.devicesOutstanding.length,
      balanceFen: (await chargingStateOf(ctx, line.msisdn))?.balanceFen ?? null,
      nowMs,
    });
  /** Refuses (422 naming /msisdn) with every reason at once, their codes in brackets. */
  const assertEligible = async (line: LineRecord, nowMs: number) => {
    const blocks = await blocksOf(line, nowMs);
    if (blocks.length)
      throw new ApiError(
        'NOT_ELIGIBLE',
        `${blocks.map((x) => x.text.en).join('; ')} (${blocks.map((x) => x.code).join(',')})`,
        '/msisdn',
      );
  };
  const authorization = (p: LineRecord['portOut'], nowMs: number) =>
    p && !p.ported && p.failedAttempts < MAX_WRONG_CODES && p.expiresAtMs > nowMs
      ? { issuedAtMs: p.issuedAtMs, expiresAtMs: p.expiresAtMs }
      : null;

  r.get(
    '/api/v1/lines/:msisdn/port-out',
    {
      schema: {
        tags: ['care'],
        summary: '携号转网 eligibility: every reason the line cannot port out now, and a code in force',
        params: Params,
      },
      config: { roles: staffAndCustomer },
    },
    async (request) => {
      const line = await loadLine(ctx, who(request), request.params.msisdn);
      const now = ctx.deps.clock.nowMs();
      const blocks = await blocksOf(line.value, now);
      return {
        eligible: blocks.length === 0,
        blocks,
        authorization: authorization(line.value.portOut, now),
        ...(line.value.portOut?.ported ? { ported: line.value.portOut.ported } : {}),
      };
    },
  );

  r.post(
    '/api/v1/lines/:msisdn/port-out/authorization',
    {
      schema: {
        tags: ['care'],
        summary: 'Send the owner a 携号转网 authorization code by SMS (good for 30 days)',
        params: Params,
        body: Type.Object({ channel: Channel, requestId: RequestId }, { additionalProperties: false }),
      },
      config: { roles: staffAndCustomer },
    },
    async (request, reply) => {
      const session = who(request);
      const { msisdn } = request.params;
      const b = request.body;
      const line = await loadLine(ctx, session, msisdn);
      const prior = line.value.portOut;
      if (prior?.requestId === b.requestId)
        // the same request again (its answer was lost): the code went once, it goes once
        return reply.code(200).send({ issuedAtMs: prior.issuedAtMs, expiresAtMs: prior.expiresAtMs });
      const now = ctx.deps.clock.nowMs();
      await assertEligible(line.value, now);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const portOut: NonNullable<LineRecord['portOut']> = {
        codeHash: hashOf(msisdn, code),
        issuedAtMs: now,
        expiresAtMs: portCodeExpiresAtMs(now),
        requestId: b.requestId,
        failedAttempts: 0,
      };
      // a new code voids the one before; compare-and-set: a twin request answers 409
      await ctx.lines.update(msisdnKey(msisdn), { ...line.value, portOut }, line.revision);
      await ctx.recorder.audit(actorOf(session), 'line.port_code_issued', 'order', `port-${b.requestId}`, {
        customerId: line.value.customerId,
      });
      const owner = await ctx.customers.get(customerKey(line.value.customerId));
      // to the line itself, whoever asked: the code proves the number is in the owner's hands
      if (owner)
        await ctx.outbox.notify({
          customerId: owner.value.customerId,
          channel: 'sms',
          to: msisdn,
          locale: owner.value.locale,
          template: 'port_out_code',
          params: { expires: minute(portOut.expiresAtMs) },
          secret: { code },
          onceKey: b.requestId,
        });
      return reply.code(201).send({ issuedAtMs: portOut.issuedAtMs, expiresAtMs: portOut.expiresAtMs });
    },
  );

  r.post(
    '/api/v1/port-out/completions',
    {
      schema: {
        tags: ['care'],
        summary: 'The number portability gateway ports a line out with its authorization code',
        body: Type.Object(
          {
            msisdn: E164,
            authorizationCode: Type.String({ pattern: '^[0-9]{6}$' }),
            recipient: Type.String({ minLength: 1, maxLength: 64 }),
            requestId: RequestId,
          },
          { additionalProperties: false },
        ),
      },
      config: { roles: ['admin'] },
    },
    async (request) => {
      const session = who(request);
      const b = request.body;
      const line = await ctx.lines.must(msisdnKey(b.msisdn));
      const p = line.value.portOut;
      if (p?.ported) {
        if (p.ported.requestId === b.requestId) {
          await close(b.msisdn, b.requestId, p.ported.atMs); // the same again: make sure charging has it
          return { msisdn: b.msisdn, ported: p.ported };
        }
        throw new ApiError('INVALID_STATE', 'the number has ported out already', '/msisdn');
      }
      const now = ctx.deps.clock.nowMs();
      if (!p || !authorization(p, now))
        throw new ApiError(
          'NOT_ELIGIBLE',
          'no authorization code in force for this number (AUTH_CODE_NONE)',
          '/authorizationCode',
        );
      if (!sameHash(p.codeHash, hashOf(b.msisdn, b.authorizationCode))) {
        await ctx.lines.update(
          msisdnKey(b.msisdn),
          { ...line.value, portOut: { ...p, failedAttempts: p.failedAttempts + 1 } },
          line.revision,
        );
        throw new ApiError(
          'NOT_ELIGIBLE',
          'the authorization code is wrong (AUTH_CODE_WRONG)',
          '/authorizationCode',
        );
      }
      await assertEligible(line.value, now);
      const ported = { atMs: now, recipient: b.recipient, requestId: b.requestId };
      // charging first: no fee and no usage from now; a retry sends the same closure id
      await close(b.msisdn, b.requestId, now);
      await ctx.lines.update(
        msisdnKey(b.msisdn),
        { ...line.value, status: 'closed', closedAtMs: now, portOut: { ...p, ported } },
        line.revision,
      );
      await ctx.recorder.order({
        orderId: `port-${b.requestId}`,
        customerId: line.value.customerId,
        kind: 'port_out',
        toState: 'completed',
        channel: 'system',
        reason: `ported out to ${b.recipient}`,
      });
      await ctx.recorder.audit(actorOf(session), 'line.ported_out', 'order', `port-${b.requestId}`, {
        customerId: line.value.customerId,
        changes: [{ field: 'status', before: line.value.status, after: 'closed' }],
        reason: `to ${b.recipient}`,
      });
      const owner = await ctx.customers.get(customerKey(line.value.customerId));
      if (owner)
        await ctx.notice(
          owner.value,
          'port_out_done',
          { msisdn: b.msisdn, time: minute(now), recipient: b.recipient },
          b.requestId,
        );
      return { msisdn: b.msisdn, ported };
    },
  );
}
