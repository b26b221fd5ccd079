import { loadConfig, oneOf } from '@estate/config';
import type { Logger } from 'pino';
import type { MessageBus } from './bus';
import { KafkajsBus } from './kafkajs-bus';
import type * as Platformatic from './platformatic-bus';
import { KAFKA_CLIENTS, KafkaBusSettings, KafkaClientName } from './types';

/** The client used when KAFKA_CLIENT is unset. */
export const DEFAULT_KAFKA_CLIENT: KafkaClientName = 'kafkajs';

export const kafkaClientSchema = {
  KAFKA_CLIENT: oneOf('Kafka client library behind every producer and consumer', KAFKA_CLIENTS, DEFAULT_KAFKA_CLIENT),
};

let configuredClient: KafkaClientName | undefined;

/** Reads KAFKA_CLIENT once per process; an invalid value throws a ConfigError naming the allowed ones. */
export function kafkaClientFromEnvironment(): KafkaClientName {
  configuredClient ??= loadConfig('kafka', kafkaClientSchema).KAFKA_CLIENT;
  return configuredClient;
}

/** Builds the bus for the named client. */
export function createMessageBus(client: KafkaClientName, settings: KafkaBusSettings, logger: Logger): MessageBus {
  switch (client) {
    case 'kafkajs':
      return new KafkajsBus(settings, logger);
    case 'platformatic': {
      // Loaded only when chosen, so processes on kafkajs never load the second client.
      const { PlatformaticKafkaBus } = require('./platformatic-bus') as typeof Platformatic;
      return new PlatformaticKafkaBus(settings, logger);
    }
  }
}
