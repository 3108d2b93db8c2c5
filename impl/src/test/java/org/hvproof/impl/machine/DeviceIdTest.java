package org.hvproof.impl.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A requester id prints as lspci prints it, for every one of the 65536 ids. */
class DeviceIdTest {
    @Test
    void printsBusDeviceFunctionAsTheFormatterWould() {
        for (int id = 0; id <= 0xFFFF; id++) {
            assertThat(new DeviceId(id).toString())
                    .isEqualTo(String.format("%02x:%02x.%x", id >>> 8, (id >>> 3) & 0x1f, id & 7));
        }
        assertThat(new DeviceId(0x0a1b).toString()).isEqualTo("0a:03.3");
    }
}
