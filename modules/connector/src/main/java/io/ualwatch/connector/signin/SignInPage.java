package io.ualwatch.connector.signin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One Graph page split in a streaming pass: each sign-in's exact bytes, id and createdDateTime, and the next link. */
record SignInPage(List<Item> items, String nextLink) {
  private static final JsonFactory FACTORY = new JsonFactory();

  record Item(String id, String createdDateTime, byte[] json) {}

  static SignInPage parse(byte[] body) throws IOException {
    List<Item> items = new ArrayList<>();
    String next = null;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("Graph page is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("value") && t == JsonToken.START_ARRAY) {
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) throw new IOException("sign-in is not a JSON object");
            int start = (int) p.currentTokenLocation().getByteOffset();
            String id = null;
            String created = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.VALUE_STRING && name.equals("id")) id = p.getText();
              else if (v == JsonToken.VALUE_STRING && name.equals("createdDateTime")) created = p.getText();
              else p.skipChildren();
            }
            int end = (int) p.currentLocation().getByteOffset();
            items.add(new Item(id, created, Arrays.copyOfRange(body, start, end)));
          }
        } else if (field.equals("@odata.nextLink") && t == JsonToken.VALUE_STRING) {
          next = p.getText();
        } else {
          p.skipChildren();
        }
      }
    }
    return new SignInPage(items, next);
  }
}
