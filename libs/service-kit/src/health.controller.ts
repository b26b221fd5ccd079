import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { KafkaBus } from '@estate/kafka';
import type { FastifyReply } from 'fastify';
import type { Pool } from 'pg';
import { register } from 'prom-client';
import { clusterMetrics } from './cluster';
import { Public } from './auth';
import { KAFKA_BUS, PG_POOL } from './tokens';

const KAFKA_CHECK_TTL_MS = 2000;

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  private kafkaCheckedAt = 0;
  private kafkaOk = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_BUS) private readonly bus: KafkaBus,
  ) {}

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready only when a Postgres query and a Kafka metadata request both succeed. */
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [postgres, kafka] = await Promise.all([this.checkPostgres(), this.checkKafka()]);
    const ok = postgres === 'ok' && kafka === 'ok';
    void reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, kafka } });
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    void reply.header('content-type', register.contentType).send(await clusterMetrics());
  }

  private async checkPostgres(): Promise<string> {
    try {
      await this.pool.query('SELECT 1');
      return 'ok';
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  }

  private async checkKafka(): Promise<string> {
    if (Date.now() - this.kafkaCheckedAt < KAFKA_CHECK_TTL_MS) return this.kafkaOk ? 'ok' : 'failed';
    try {
      await this.bus.ping();
      this.kafkaOk = true;
      return 'ok';
    } catch (error) {
      this.kafkaOk = false;
      return `failed: ${(error as Error).message}`;
    } finally {
      this.kafkaCheckedAt = Date.now();
    }
  }
}
