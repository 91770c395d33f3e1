/**
 * Korean titles and explanations of the host checks, for the Korean UI and Korean reports. Keyed by check id;
 * test/unit/checks/catalogue-ko.test.ts keeps it complete. Technical identifiers (sysfs paths, kernel
 * parameters, command names, units like µs) stay as they are.
 */
export const checkTextKo: Readonly<Record<string, { title: string; why: string }>> = {
  K01: {
    title: '실행 중인 커널이 PREEMPT_RT',
    why: 'SCHED_FIFO 스레드의 깨어남 지연 시간에 상한을 보장하는 것은 완전 선점형 커널뿐입니다. generic 또는 PREEMPT_DYNAMIC 커널에서는 수백 µs에서 수 ms에 이르는 이상치가 나타나며, 그때마다 100 µs 주기를 여러 번 놓칩니다.',
  },
  K02: {
    title: '커널의 실시간 기능 포함',
    why: 'NO_HZ_FULL, RCU_NOCB_CPU, CPU_ISOLATION이 없으면 RT 코어에 스케줄러 틱과 RCU 콜백이 남습니다(ms마다 µs 단위의 지터). RT_GROUP_SCHED가 켜져 있으면 cgroup v2에서 루트 cgroup 밖의 RT 태스크가 제대로 동작하지 않습니다.',
  },
  K03: {
    title: 'RT 코어 격리 (isolcpus)',
    why: '격리하지 않으면 스케줄러가 다른 태스크를 RT 코어로 분산시키고 멀티 큐 IRQ도 RT 코어에 배정됩니다. 이런 침범이 있을 때마다 100 µs 루프가 µs에서 ms까지 지연됩니다.',
  },
  K04: {
    title: 'RT 코어의 적응형 틱 (nohz_full)',
    why: '틱이 동작하면 루프가 유일한 태스크일 때도 모든 RT 코어가 1 ms마다 타이머 인터럽트를 받습니다(매번 1–5 µs의 지터).',
  },
  K05: {
    title: 'RT 코어의 RCU 콜백 오프로드',
    why: 'RT 코어에서 실행되는 RCU 콜백은 softirq 컨텍스트에서 돌며 수십 µs가 걸릴 수 있습니다. 오프로드된 콜백은 하우스키핑 코어의 rcuo 스레드에서 실행됩니다.',
  },
  K06: {
    title: '기본 IRQ 선호도(affinity)는 하우스키핑 코어',
    why: '나중에 등록되는 모든 IRQ(핫플러그 장치, 드라이버 재로드)는 기본 마스크에서 시작합니다. 이 마스크에 RT 코어가 포함되어 있으면 그 코어가 수십 µs짜리 장치 인터럽트를 받게 됩니다.',
  },
  K07: {
    title: '유휴 상태(C-state) 제한',
    why: '깊은 C-state에서 깨어나는 데 50–900 µs가 걸립니다. 100 µs 주기 사이에 잠드는 루프는 주기를 통째로 놓치게 됩니다.',
  },
  K08: {
    title: '주파수 드라이버 (기록용)',
    why: 'C04/C05를 위해 기록합니다. RT 코어의 주파수를 어떤 방법으로 고정할 수 있는지는 이 드라이버가 결정합니다.',
  },
  K09: {
    title: 'RT 코어의 lockup 감지기 비활성화',
    why: 'NMI watchdog은 몇 초마다 모든 CPU에 perf NMI를 발생시키고, soft-lockup watchdog은 CPU마다 스레드를 깨웁니다. 둘 다 RT 루프를 중단시킵니다.',
  },
  K10: {
    title: 'TSC 클럭소스 옵션',
    why: '부하가 걸리면 clocksource watchdog이 TSC를 불안정하다고 판정하고 HPET으로 전환할 수 있으며, 그러면 시계를 읽을 때마다 µs 단위의 비용이 듭니다. tsc=reliable은 invariant TSC에서만 안전합니다.',
  },
  K11: {
    title: '틱 시점 분산 (skew_tick=1)',
    why: 'skew_tick이 없으면 모든 CPU가 같은 순간에 틱을 처리하면서 같은 락을 두고 경합하므로, RT 코어의 틱 처리 시간이 길어집니다.',
  },
  K12: {
    title: 'CPU 취약점 완화 기능 (기록용)',
    why: '프로젝트 정책 판단을 위해 기록합니다. 완화 기능은 커널 진입과 인터럽트에 µs 단위의 비용을 더하며, 끄면 컨트롤러가 취약점에 노출됩니다.',
  },
  K13: {
    title: '기타 커널 명령줄 설정',
    why: 'cgroup v1은 컨트롤러가 의존하는 Docker/systemd 리소스 모델을 깨뜨립니다. 출력이 많은 시리얼 콘솔은 printk가 느린 UART를 기다리게 만듭니다.',
  },
  C01: {
    title: 'RT 코어와 하우스키핑 코어의 존재 및 온라인 상태',
    why: '프로필은 RT 루프와 나머지 모든 작업을 이 코어들에 고정합니다. 코어가 없거나 오프라인이면 고정이 실패하거나, 경고 없이 한 코어를 함께 쓰게 됩니다.',
  },
  C02: {
    title: 'RT 코어를 공유하는 하이퍼스레드 형제 없음',
    why: '하이퍼스레드 형제는 RT 코어와 실행 유닛 및 L1/L2 캐시를 공유합니다. 형제 스레드에서 하우스키핑 작업이 실행되면 루프의 매 반복이 길어집니다.',
  },
  C03: {
    title: 'RT 코어가 성능 코어(P-core)',
    why: 'E-core는 P-core보다 루프를 느리게 실행하고 실행 시간도 예측하기 어렵습니다.',
  },
  C04: {
    title: 'RT 코어의 performance 거버너',
    why: '주파수 변경과 낮은 클럭은 100 µs 주기마다의 실행 시간을 늘리고 흔들리게 합니다. 거버너 자체도 코어에 주기적인 작업을 추가합니다.',
  },
  C05: {
    title: '터보 끄기 또는 주파수 고정',
    why: '터보가 켜져 있으면 루프의 실행 시간이 모든 코어의 발열 및 전력 여유에 따라 달라지므로 주기마다 변동합니다.',
  },
  C06: {
    title: 'RT 코어에 깊은 유휴 상태 없음',
    why: '주기 사이에 유휴 상태로 들어가는 RT 코어는 µs 안에 깨어나야 합니다. C3–C10의 종료 지연 시간은 30–900 µs로, 100 µs 주기를 통째로 잃게 됩니다.',
  },
  C07: {
    title: 'PM QoS로 RT 코어의 깊은 유휴 진입 방지',
    why: 'cyclictest는 실행 중에 /dev/cpu_dma_latency에 0을 씁니다. 운영 환경에서도 같은 설정을 하지 않으면 측정된 지연 시간이 실제 루프가 겪을 지연 시간보다 좋게 나옵니다.',
  },
  S01: {
    title: 'RT 스로틀링 비활성화',
    why: '기본값인 1 s당 950 ms 예산에서는 RT 태스크가 CPU의 95 %를 사용하는 순간 커널이 모든 RT 태스크를 50 ms 동안 멈춥니다. 루프가 한 번이라도 스핀하면 500주기를 놓칩니다.',
  },
  S02: {
    title: '스케줄러 sysctl',
    why: 'schedstats는 모든 컨텍스트 스위치에 통계 처리를 추가합니다. RT period가 기본값과 다르면 스로틀링 예산이 달라집니다.',
  },
  S03: {
    title: '타이머 마이그레이션 끄기',
    why: '타이머 마이그레이션이 켜져 있으면 하우스키핑 태스크의 타이머가 유휴 상태인 RT 코어에 등록되어 그곳에서 만료될 수 있습니다.',
  },
  S04: {
    title: 'RT 루프 스케줄링이 설계와 일치',
    why: '루프는 설계된 우선순위의 SCHED_FIFO로, 격리된 코어에서 단독으로 실행될 때만 100 µs를 지킵니다. 하우스키핑 코어에서 실행되거나 SCHED_OTHER로 실행되면 다른 모든 작업과 경쟁합니다.',
  },
  S05: {
    title: 'RT 루프 선점 및 페이지 폴트 없음',
    why: '비자발적 컨텍스트 스위치는 주기 도중에 다른 스레드가 RT 코어를 차지한다는 뜻입니다. 메이저 페이지 폴트는 디스크 접근 동안(ms 단위) 루프를 멈춥니다.',
  },
  S06: {
    title: 'RT 코어에서 다른 작업 실행 없음',
    why: 'RT 코어에서 실행될 수 있는 다른 모든 스레드는 자신의 타임 슬라이스 전체만큼 루프를 지연시킬 수 있습니다. 같은 우선순위의 FIFO 스레드는 루프를 완전히 막을 수 있습니다.',
  },
  S07: {
    title: '언바운드 커널 스레드는 하우스키핑 코어에서만',
    why: '언바운드 kthread(kworker/u*, kcompactd, khugepaged)는 허용된 곳이면 RT 코어를 포함해 어디서든 작업을 몰아서 처리합니다.',
  },
  S08: {
    title: 'RT 코어에서 언바운드 workqueue 배제',
    why: '언바운드 workqueue 작업(writeback, crypto 등)은 마스크에 포함된 어느 CPU에서든 실행됩니다. RT 코어에서는 아무것도 선점하지 않지만 루프가 기다리는 모든 작업을 지연시키고, 같은 CPU의 kworker가 CPU 시간을 빼앗습니다.',
  },
  S09: {
    title: 'systemd가 서비스를 하우스키핑 코어에서 시작',
    why: '모든 서비스는 PID 1의 CPU 선호도(affinity)를 상속합니다. 하우스키핑 코어를 기본값으로 지정하지 않으면 데몬과 컨테이너가 RT 코어에서 시작됩니다.',
  },
  I02: {
    title: 'RT 코어에 장치 IRQ 없음',
    why: 'RT 코어에서 처리되는 장치 인터럽트는 hard-IRQ 부분 동안 루프를 선점하고, 그 코어에서 IRQ 스레드를 깨웁니다. 이벤트마다 수십 µs가 소요됩니다.',
  },
  I03: {
    title: 'RT 코어의 인터럽트 발생 현황 (10 s)',
    why: '10 s 동안 집계합니다. RT 코어에서 발생하는 장치 IRQ, 동작 중인 틱, IPI는 각각 루프에서 µs 단위의 시간을 빼앗습니다. 그 코어에 있어야 할 것은 루프 자신의 타이머 깨어남뿐입니다.',
  },
  I04: {
    title: 'irqbalance가 RT 코어를 건드리지 않음',
    why: 'irqbalance는 10 s마다 IRQ 선호도(affinity)를 다시 씁니다. RT 코어를 금지 목록에 넣지 않으면 장치 인터럽트를 RT 코어로 옮깁니다.',
  },
  I05: {
    title: '필드버스 NIC IRQ 배치',
    why: 'NIC IRQ가 RT 코어에 있고 그 IRQ 스레드가 루프보다 낮은 우선순위로 실행되면 FIFO 루프에 밀려 실행되지 못하므로, 루프가 기다리는 프레임이 늦게 도착합니다. 하우스키핑 코어에 있으면 루프에 전혀 영향을 주지 않습니다.',
  },
  I06: {
    title: '인터럽트 모더레이션·절전 없는 필드버스 NIC',
    why: '인터럽트 모더레이션과 EEE/ASPM 절전 상태에서의 깨어남은 수신한 프레임을 µs에서 수십 µs까지 붙잡아 둡니다. 이는 100 µs 주기의 상당 부분입니다.',
  },
  M01: {
    title: '스왑 없음',
    why: 'RT 페이지는 잠겨 있지만, 하우스키핑 코어에서 스와핑이 일어나면 I/O와 mmap_lock 경합이 늘어나고 루프의 스레드가 이를 기다릴 수 있습니다.',
  },
  M02: {
    title: 'THP, KSM, NUMA 밸런싱 없음',
    why: 'khugepaged, 메모리 컴팩션, KSM 스캔, NUMA hinting 폴트는 메모리 접근을 µs에서 ms까지 멈추게 하며 어느 코어에서든 실행됩니다.',
  },
  M03: {
    title: 'RT 프로세스의 메모리 잠금 허용',
    why: '기본 한도인 8 MiB에서는 mlockall이 실패하거나 새 할당을 더 이상 잠그지 못합니다. 잠기지 않은 페이지는 주기 도중에 페이지 폴트를 일으킵니다.',
  },
  M04: {
    title: 'RT 프로세스 메모리 잠김',
    why: '잠기지 않은 페이지는 회수되었다가 주기 도중 폴트로 다시 적재될 수 있습니다. 마이너 폴트는 µs, 메이저 폴트는 ms 단위의 비용이 듭니다.',
  },
  M05: {
    title: 'RT 우선순위 허용',
    why: 'systemd의 SCHED_FIFO 정책, RLIMIT_RTPRIO, CAP_SYS_NICE 중 어느 것도 없으면 루프가 자신의 우선순위로 올라가지 못하고 SCHED_OTHER로 실행됩니다.',
  },
  T01: {
    title: 'TSC 클럭소스',
    why: '루프의 모든 clock_gettime 호출과 타이머는 클럭소스를 읽습니다. TSC는 vDSO를 통해 ns 단위로 읽히지만, HPET/ACPI PM은 시스템 콜을 거치므로 µs 단위의 비용이 듭니다.',
  },
  T03: {
    title: '시간 동기화, 시간 데몬은 하우스키핑 코어에서',
    why: '로봇 셀 전체의 로그를 서로 대조하려면 시계가 동기화되어 있어야 합니다. 시간 데몬(ptp4l은 흔히 SCHED_FIFO로 실행)은 RT 코어에서 실행되면 안 됩니다.',
  },
  T04: {
    title: '커널 로그에 RT 이상 징후 없음',
    why: '스로틀링, RCU stall, lockup은 이번 부팅 중 RT 코어가 ms에서 s 단위로 막혔다는 뜻입니다. 느린 hrtimer 인터럽트와 split-lock 트랩은 µs에서 ms 단위의 정지를 일으킵니다.',
  },
  B01: {
    title: 'SMI(System Management Interrupt) 없음 (10 s)',
    why: 'SMI는 펌웨어 핸들러가 실행되는 동안(수십 µs에서 ms) RT 코어를 포함한 모든 코어를 멈추며, Linux는 이를 감지하거나 막을 수 없습니다.',
  },
  B02: {
    title: '플랫폼 인벤토리 (기록용)',
    why: '보고서를 승인된 하드웨어 목록과 비교할 수 있도록 기록합니다.',
  },
  D01: {
    title: 'Docker가 cgroup v2 사용',
    why: 'WebAPI는 cgroup v2 cpuset/memory 컨트롤러를 통해 하우스키핑 코어와 512 MiB로 제한됩니다. cgroup v1이나 오래된 엔진에서는 이 제한을 신뢰할 수 없습니다.',
  },
  D02: {
    title: 'Docker 데몬은 하우스키핑 코어에서 실행',
    why: 'Docker는 isolcpus를 무시합니다. dockerd, containerd와 이들이 시작하는 모든 컨테이너가 CPU 선호도(affinity)를 상속하므로, 데몬이 RT 코어에서 실행될 수 있으면 컨테이너 작업도 RT 코어에서 실행됩니다.',
  },
  D03: {
    title: 'WebAPI 컨테이너를 하우스키핑 코어로 제한',
    why: 'CPU가 고정되지 않았거나 privileged로 실행되는 WebAPI 컨테이너는 RT 코어에서 Node.js를 실행하거나 스스로 RT 우선순위로 올릴 수 있습니다. 메모리 제한이 없으면 호스트를 메모리 회수(reclaim) 상태로 몰아넣을 수 있습니다.',
  },
  D04: {
    title: 'WebAPI 헬스 체크 응답',
    why: 'WebAPI는 운영자가 RT 프로세스를 들여다보는 창구입니다. 헬스 엔드포인트가 느리거나 응답하지 않으면 대개 CPU 시간을 얻지 못하고 있거나 크래시 후 재시작을 반복하고 있다는 뜻입니다.',
  },
  D05: {
    title: 'WebAPI와 /run/mxrc 공유',
    why: 'WebAPI는 /run/mxrc를 통해 IPC 소켓에 접근합니다. 컨테이너가 실행 중일 때 이 디렉터리가 다시 만들어지면 컨테이너는 오래된 사본을 계속 보게 되어 RT 프로세스와 연결이 끊깁니다.',
  },
  D06: {
    title: 'journald가 RT 로그를 보존하고 하우스키핑 코어에서 실행',
    why: '억제된 메시지만큼 RT 및 IPC 서비스의 진단 정보가 사라집니다. RT 코어에서 실행되는 journald는 루프와 경쟁합니다.',
  },
  D07: {
    title: 'IPC 서버는 하우스키핑 코어에서 실행',
    why: 'IPC 서버는 일반 작업입니다. RT 코어에서 실행되면 루프와 경쟁하고, 우선순위가 루프 이상이면 루프를 막습니다.',
  },
};
