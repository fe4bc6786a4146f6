package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.ParseLimits;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.RecordNormalizer;
import io.ualwatch.model.parse.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import io.ualwatch.model.feed.FeedClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Parses raw records inside the Kafka source, so that the source can assign each record its event time and
 * generate watermarks per partition: a topic read ahead of another (the audit topic ahead of the sign-ins, a
 * replayed backlog) then never moves event time past records still waiting in another partition. A record
 * that cannot be parsed becomes a dead letter with its reason, raw text and offset; nothing throws.
 */
public final class ParsingDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
  private static final long serialVersionUID = 1L;
  private transient RecordNormalizer normalizer;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    normalizer = new RecordNormalizer(ParseLimits.DEFAULT);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<ParsedRecord> out) {
    Header sh = r.headers().lastHeader(FeedClock.STREAM);
    String stream = sh == null || sh.value() == null ? "" : new String(sh.value(), StandardCharsets.UTF_8);
    Header ch = r.headers().lastHeader(FeedClock.CLOCK);
    if (ch != null) {
      Long t = FeedClock.parseClock(ch.value());
      Header eh = r.headers().lastHeader(FeedClock.END);
      if (t != null) out.collect(ParsedRecord.clock(stream, t, eh != null && "true".equals(new String(eh.value(), StandardCharsets.UTF_8))));
      return;
    }
    if (r.value() == null) return; // tombstone
    emit(r, stream, out);
  }

  private static ParsedRecord in(String stream, ParsedRecord p) {
    p.stream = stream;
    return p;
  }

  private void emit(ConsumerRecord<byte[], byte[]> r, String stream, Collector<ParsedRecord> out) {
    if (normalizer == null) normalizer = new RecordNormalizer(ParseLimits.DEFAULT);
    RawRecord raw = new RawRecord(r.topic(), r.partition(), r.offset(),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.timestamp());
    try {
      normalizer.normalizeBytes(r.value(), 0, r.value().length, raw.origin(), "kafka", new ParseListener() {
        @Override public void onEvent(AuditEvent e) { out.collect(in(stream, ParsedRecord.of(e))); }
        @Override public void onReject(Rejection x) {
          out.collect(in(stream, ParsedRecord.of(ParseFunction.deadLetter(raw, x.reason().name(), x.message(), x.raw(),
              x.rawTruncated()))));
        }
      });
    } catch (RuntimeException ex) {
      // a parser bug must not take the job down
      out.collect(in(stream, ParsedRecord.of(ParseFunction.deadLetter(raw, "INTERNAL_ERROR", ex.toString(),
          new String(r.value(), 0, Math.min(r.value().length, Rejection.MAX_RAW), StandardCharsets.UTF_8),
          r.value().length > Rejection.MAX_RAW))));
    }
  }

  @Override
  public TypeInformation<ParsedRecord> getProducedType() {
    return TypeInformation.of(ParsedRecord.class);
  }
}
