# Devices of the harness's QEMU build (--with-devices-x86_64): the q35
# machine, its serial port, the isa-debug-exit device that carries the
# guest's verdict to the host, and the Intel IOMMU, whose interrupt
# remapping lets Linux run the local APICs in x2APIC mode.  Nothing else
# is built.
CONFIG_Q35=y
CONFIG_SERIAL_ISA=y
CONFIG_ISA_DEBUG=y
CONFIG_VTD=y
