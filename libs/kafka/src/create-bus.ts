import type { Logger } from 'pino';
import type { MessageBus } from './bus';
import { KafkaBus, KafkaBusSettings } from './kafka-bus';
import type * as Platformatic from './platformatic-bus';

/** Kafka client implementations behind `MessageBus`; kafkajs stays the default until measurements say otherwise. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** Builds the bus for the named client (callers read KAFKA_CLIENT through their validated config). */
export function createMessageBus(client: KafkaClientName, settings: KafkaBusSettings, logger: Logger): MessageBus {
  switch (client) {
    case 'kafkajs':
      return new KafkaBus(settings, logger);
    case 'platformatic': {
      // Loaded only when chosen: the client ships as ES modules, which jest's CommonJS runtime cannot require.
      const { PlatformaticKafkaBus } = require('./platformatic-bus') as typeof Platformatic;
      return new PlatformaticKafkaBus(settings, logger);
    }
  }
}
