package modrelay.relay.routing;

import static org.junit.jupiter.api.Assertions.*;

import akka.util.ByteString;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodyModelTest {

    @Test
    void jsonModelIsReadAndRenamed() {
        ByteString body = ByteString.fromString("{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");
        assertEquals(Optional.of("deepseek-chat"), BodyModel.fromJson(body));
        ByteString renamed = BodyModel.withModel(body, "deepseek-v3");
        assertEquals("{\"model\":\"deepseek-v3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
                renamed.utf8String());
        assertEquals(Optional.empty(), BodyModel.fromJson(ByteString.fromString("not json")));
        assertEquals(Optional.empty(), BodyModel.fromJson(ByteString.fromString("{\"model\":3}")));
    }

    @Test
    void theModelFieldOfAFormHeldInMemory() {
        String form = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"model\"\r\nContent-Type: audio/mpeg\r\n\r\n"
                + "\u00ff\u00fe binary --Xy\r\n--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XyZ--\r\n";
        ByteString bytes = ByteString.fromArray(form.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(Optional.of("whisper-1"), BodyModel.fromForm("multipart/form-data; boundary=XyZ", bytes));
        assertEquals(Optional.empty(), BodyModel.fromForm("multipart/form-data; boundary=Other", bytes));
        String noModel = "--b\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\nx\r\n--b--\r\n";
        assertEquals(Optional.empty(), BodyModel.fromForm("multipart/form-data; boundary=b", ByteString.fromString(noModel)));
    }
}
