import type { SQSRecord } from "aws-lambda";
import { isObjectCreated, parseS3SqsRecord, type S3ObjectRef, type S3SqsMessage } from "./events.js";
import { errorFields, logger } from "./powertools.js";

/**
 * The record handler both SQS functions give the batch processor: validates the record, acknowledges an
 * `s3:TestEvent`, skips events other than ObjectCreated and folder markers (keys ending in "/"), and calls
 * `handleObject` for each object the message names, in order. An invalid message or a failing object
 * throws, which fails that message only; the log line names the message id, key and error name.
 *
 * @example
 * const recordHandler = s3RecordHandler(async (object) => { await processObject(object.key, …); });
 * await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS));
 */
export function s3RecordHandler(handleObject: (object: S3ObjectRef) => Promise<void>): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    let message: S3SqsMessage;
    try {
      message = parseS3SqsRecord(record);
    } catch (error) {
      // An InputFormatError of our own: the message id and the invalid paths, never the body.
      logger.error("invalid SQS message", { messageId: record.messageId, ...errorFields(error), reason: (error as Error).message });
      throw error;
    }
    if (message.kind === "test") {
      logger.info("s3:TestEvent acknowledged", { messageId: record.messageId });
      return;
    }
    for (const object of message.objects) {
      if (!isObjectCreated(object) || object.key.endsWith("/")) {
        logger.info("event skipped", { messageId: record.messageId, eventName: object.eventName, key: object.key });
        continue;
      }
      try {
        await handleObject(object);
      } catch (error) {
        logger.error("object failed; the message will be retried", {
          messageId: record.messageId,
          bucket: object.bucket,
          key: object.key,
          ...errorFields(error),
        });
        throw error;
      }
    }
  };
}
