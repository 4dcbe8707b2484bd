package io.clusternet.benchmarks;

import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.netlink.genl.WgDeviceCodec;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Kernel netlink encoding of SET_DEVICE and decoding of a GET_DEVICE dump, 10,000 peers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class NetlinkBenchmark {
  @Param({"1", "4"})
  int ipsPerPeer;

  DeviceConfig config;
  List<NetlinkMessage> dump;

  @Setup
  public void setUp() throws Exception {
    config = NetlinkFixtures.config(10_000, ipsPerPeer);
    dump = NetlinkFixtures.dump(config.peers(), 8192);
  }

  @Benchmark
  public List<MessageBuilder> encodeSet() {
    return WgDeviceCodec.setDevice(NetlinkFixtures.FAMILY, "clusternet", config,
        WgDeviceCodec.DEFAULT_BUDGET);
  }

  @Benchmark
  public DeviceState decodeDump() throws Exception {
    return WgDeviceCodec.parseDevice("clusternet", dump);
  }
}
