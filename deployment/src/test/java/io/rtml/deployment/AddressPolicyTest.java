package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(List.of(), "rtml.test.allowed-cidrs");

    @Test
    void aNameThatResolvesToLoopbackIsRefusedUnlessItsRangeIsListed() throws Exception {
        assertThatThrownBy(() -> strict.resolve("localhost")).isInstanceOf(AddressPolicy.RefusedAddressException.class)
                .hasMessageContaining("'localhost' resolves to").hasMessageContaining("loopback")
                .hasMessageContaining("rtml.test.allowed-cidrs");
        AddressPolicy loopbackListed = new AddressPolicy(List.of("127.0.0.0/8", "::1/128"), "x");
        assertThat(loopbackListed.pin("localhost").isLoopbackAddress()).isTrue();
    }

    @Test
    void literalsAreTakenAsTheyAreSinceTheAllowListCheckedTheirRange() throws Exception {
        assertThat(strict.pin("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(strict.pin("[::1]").isLoopbackAddress()).isTrue();
    }

    @Test
    void metadataLinkLocalUnspecifiedAndMulticastAddressesAreRefusedPrivateRangesAreNot() throws Exception {
        for (String refused : List.of("169.254.169.254", "169.254.0.1", "fe80::1", "0.0.0.0", "::", "224.0.0.1",
                "fd00:ec2::254", "100.100.100.200", "127.0.0.2", "::1", "::ffff:127.0.0.1")) {
            assertThat(strict.refusal(InetAddress.getByName(refused))).as(refused).isNotNull();
        }
        for (String allowed : List.of("10.0.0.5", "172.16.3.4", "192.168.1.1", "fd12::1", "8.8.8.8", "100.64.0.1")) {
            assertThat(strict.refusal(InetAddress.getByName(allowed))).as(allowed).isNull();
        }
        assertThat(new AddressPolicy(List.of("169.254.10.0/24"), "x").refusal(InetAddress.getByName("169.254.10.7")))
                .isNull();
    }

    @Test
    void aBadRangeIsRefusedAtStart() {
        assertThatThrownBy(() -> new AddressPolicy(List.of("localhost/8"), "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressPolicy(List.of("10.0.0.0/40"), "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
