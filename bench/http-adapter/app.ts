/**
 * A minimal Nest app with one small JSON endpoint, started on the adapter
 * named in argv[2] ("fastify" or "express") on a free loopback port. It
 * prints `LISTENING <port>` once it accepts requests.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

@Controller('v1')
class AssetController {
  @Get('assets/sample')
  sample() {
    return { id: 'asset-1', kind: 'agent', name: 'triage-agent', environment: 'prod', owners: ['team-care'], version: 3 };
  }
}

@Module({ controllers: [AssetController] })
class BenchModule {}

async function main(): Promise<void> {
  const adapterName = process.argv[2];
  if (adapterName !== 'fastify' && adapterName !== 'express') throw new Error(`adapter "${adapterName}" is invalid; expected fastify or express`);
  const adapter = adapterName === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(BenchModule, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  console.log(`LISTENING ${address.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
