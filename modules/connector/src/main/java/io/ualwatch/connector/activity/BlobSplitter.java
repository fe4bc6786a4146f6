package io.ualwatch.connector.activity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a blob (a JSON array of records) into each record's exact bytes, untouched, and its {@code Id}, in one
 * streaming pass without building a tree.
 */
final class BlobSplitter {
  private static final JsonFactory FACTORY = new JsonFactory();

  record Raw(String id, byte[] json) {}

  static final class NotAnArray extends IOException {
    NotAnArray(String msg) {
      super(msg);
    }
  }

  static List<Raw> split(byte[] blob) throws IOException {
    List<Raw> out = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(blob)) {
      if (p.nextToken() != JsonToken.START_ARRAY) throw new NotAnArray("blob is not a JSON array");
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) throw new NotAnArray("blob element is not a JSON object: " + t);
        int start = (int) p.currentTokenLocation().getByteOffset();
        String id = null;
        String lowerId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          if (v == JsonToken.VALUE_STRING && name.equals("Id")) id = p.getText();
          else if (v == JsonToken.VALUE_STRING && name.equals("id")) lowerId = p.getText();
          else p.skipChildren();
        }
        int end = (int) p.currentLocation().getByteOffset();
        out.add(new Raw(id != null ? id : lowerId, Arrays.copyOfRange(blob, start, end)));
      }
    }
    return out;
  }
}
