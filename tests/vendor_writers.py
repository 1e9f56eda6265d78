"""Writers of valid vendor ECG files, following each format's specification, for round-trip tests.

Each writer takes a signal in mV shaped (leads, samples), its lead names (standard names)
and sampling rate, quantises it the way the format stores it, and returns the step of one
count in mV (the round-trip tolerance is half of it).

- GE MUSE XML: restecg.dtd layout; base64 little-endian int16 per lead,
  LeadAmplitudeUnitsPerBit in MICROVOLTS.
- HL7 aECG: HL7 v3 AnnotatedECG (FDA implementation guide 2005); GLIST_TS time base,
  SLIST_PQ per lead: value = origin + scale * digit.
- Philips: Sierra ECG XML 1.04, parsedwaveforms uncompressed Base64 int16, lead after lead.
- SCP-ECG: EN 1064 sections 0, 1, 3, 6 and 8, uncompressed (no section 2), CRC-CCITT
  (initial value 0xFFFF) on the record and on every section.
- DICOM: PS3.3 12-lead ECG IOD (Waveform module C.10.9), written with pydicom.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from pathlib import Path

import numpy as np

MDC_SYSTEM = "2.16.840.1.113883.6.24"  # MDC codes (ISO/IEEE 11073)
# SCP-ECG lead identifiers (EN 1064 table 21), also the DICOM "SCPECG" code values 5.6.3-9-n.
SCP_LEAD_IDS = {"I": 1, "II": 2, "V1": 3, "V2": 4, "V3": 5, "V4": 6, "V5": 7, "V6": 8,
                "III": 61, "aVR": 62, "aVL": 63, "aVF": 64}


def _counts(signal_mv: np.ndarray, step_mv: float) -> np.ndarray:
    counts = np.round(np.asarray(signal_mv, dtype=np.float64) / step_mv)
    return np.clip(counts, -32768, 32767).astype("<i2")


def write_muse(path: Path, signal_mv, leads, fs: int, *, uv_per_bit: float = 4.88,
               statements=("Sinus rhythm", "Normal ECG"), age: int = 54, sex: str = "FEMALE") -> float:
    """A MUSE ``<RestingECG>`` with one Rhythm waveform (the leads given) and a diagnosis."""
    counts = _counts(signal_mv, uv_per_bit / 1000)
    lead_xml = []
    for name, row in zip(leads, counts):
        payload = row.tobytes()
        lead_xml.append(f"""      <LeadData>
        <LeadByteCountTotal>{len(payload)}</LeadByteCountTotal>
        <LeadTimeOffset>0</LeadTimeOffset>
        <LeadSampleCountTotal>{len(row)}</LeadSampleCountTotal>
        <LeadAmplitudeUnitsPerBit>{uv_per_bit}</LeadAmplitudeUnitsPerBit>
        <LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits>
        <LeadHighLimit>32767</LeadHighLimit>
        <LeadLowLimit>-32768</LeadLowLimit>
        <LeadID>{name}</LeadID>
        <LeadOffsetFirstSample>0</LeadOffsetFirstSample>
        <FirstSampleBaseline>0</FirstSampleBaseline>
        <LeadSampleSize>2</LeadSampleSize>
        <LeadOff>FALSE</LeadOff>
        <BaselineSway>FALSE</BaselineSway>
        <LeadDataCRC32>{zlib.crc32(payload)}</LeadDataCRC32>
        <WaveFormData>{base64.encodebytes(payload).decode("ascii")}</WaveFormData>
      </LeadData>""")
    diagnosis = "".join(f"""
    <DiagnosisStatement>
      <StmtFlag>ENDSLINE</StmtFlag>
      <StmtText>{text}</StmtText>
    </DiagnosisStatement>""" for text in statements)
    Path(path).write_text(f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE RestingECG SYSTEM "restecg.dtd">
<RestingECG>
  <MuseInfo><MuseVersion>9.0.10.18530</MuseVersion></MuseInfo>
  <PatientDemographics>
    <PatientID>TEST0001</PatientID>
    <PatientAge>{age}</PatientAge>
    <AgeUnits>YEARS</AgeUnits>
    <Gender>{sex}</Gender>
  </PatientDemographics>
  <TestDemographics>
    <DataType>RESTING</DataType>
    <AcquisitionDevice>MAC55</AcquisitionDevice>
    <Status>UNCONFIRMED</Status>
    <AcquisitionTime>09:30:15</AcquisitionTime>
    <AcquisitionDate>03-14-2024</AcquisitionDate>
    <AcquisitionSoftwareVersion>009C</AcquisitionSoftwareVersion>
  </TestDemographics>
  <RestingECGMeasurements>
    <VentricularRate>70</VentricularRate>
    <PRInterval>160</PRInterval>
    <QRSDuration>92</QRSDuration>
    <QTInterval>380</QTInterval>
    <RAxis>45</RAxis>
  </RestingECGMeasurements>
  <Diagnosis>
    <Modality>RESTING</Modality>{diagnosis}
  </Diagnosis>
  <Waveform>
    <WaveformType>Rhythm</WaveformType>
    <WaveformStartTime>0</WaveformStartTime>
    <NumberofLeads>{len(leads)}</NumberofLeads>
    <SampleType>CONTINUOUS_SAMPLES</SampleType>
    <SampleBase>{fs}</SampleBase>
    <SampleExponent>0</SampleExponent>
    <HighPassFilter>16</HighPassFilter>
    <LowPassFilter>150</LowPassFilter>
    <ACFilter>60</ACFilter>
{chr(10).join(lead_xml)}
  </Waveform>
</RestingECG>
""", encoding="iso-8859-1")
    return uv_per_bit / 1000


def write_hl7aecg(path: Path, signal_mv, leads, fs: int, *, scale_uv: float = 2.5,
                  origin_uv: float = 0.0, sex: str = "M") -> float:
    """An AnnotatedECG with one RHYTHM series, integer digits and an interpretation statement."""
    digits = _counts((np.asarray(signal_mv) * 1000 - origin_uv) / 1000, scale_uv / 1000)
    sequences = [f"""            <component><sequence>
              <code code="TIME_ABSOLUTE" codeSystem="2.16.840.1.113883.5.4"/>
              <value xsi:type="GLIST_TS"><head value="20240314093015.000"/>
                <increment value="{1 / fs:.6g}" unit="s"/></value>
            </sequence></component>"""]
    for name, row in zip(leads, digits):
        sequences.append(f"""            <component><sequence>
              <code code="MDC_ECG_LEAD_{name.upper()}" codeSystem="{MDC_SYSTEM}" codeSystemName="MDC"/>
              <value xsi:type="SLIST_PQ">
                <origin value="{origin_uv:g}" unit="uV"/>
                <scale value="{scale_uv:g}" unit="uV"/>
                <digits>{" ".join(map(str, row.tolist()))}</digits>
              </value>
            </sequence></component>""")
    Path(path).write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <id root="61d1a24f-b47e-41aa-ae95-f8ac302f4eeb"/>
  <code code="93000" codeSystem="2.16.840.1.113883.6.12" codeSystemName="CPT-4"/>
  <effectiveTime><low value="20240314093015"/><high value="20240314093025"/></effectiveTime>
  <componentOf><timepointEvent><componentOf><subjectAssignment><subject><trialSubject>
    <id root="2.16.840.1.113883.3.1" extension="SUBJ-001"/>
    <subjectDemographicPerson>
      <administrativeGenderCode code="{sex}" codeSystem="2.16.840.1.113883.5.1"/>
      <birthTime value="19700101"/>
    </subjectDemographicPerson>
  </trialSubject></subject></subjectAssignment></componentOf></timepointEvent></componentOf>
  <component>
    <series>
      <code code="RHYTHM" codeSystem="2.16.840.1.113883.5.4"/>
      <effectiveTime><low value="20240314093015"/><high value="20240314093025"/></effectiveTime>
      <component>
        <sequenceSet>
{chr(10).join(sequences)}
        </sequenceSet>
      </component>
      <subjectOf><annotationSet>
        <activityTime value="20240314093030"/>
        <component><annotation>
          <code code="MDC_ECG_INTERPRETATION" codeSystem="{MDC_SYSTEM}"/>
          <component><annotation>
            <code code="MDC_ECG_INTERPRETATION_STATEMENT" codeSystem="{MDC_SYSTEM}"/>
            <value xsi:type="ST">Sinus rhythm</value>
          </annotation></component>
        </annotation></component>
        <component><annotation>
          <code code="MDC_ECG_TIME_PD_QRS" codeSystem="{MDC_SYSTEM}"/>
          <value xsi:type="PQ" value="92" unit="ms"/>
        </annotation></component>
      </annotationSet></subjectOf>
    </series>
  </component>
</AnnotatedECG>
""", encoding="utf-8")
    return scale_uv / 1000


def write_philips(path: Path, signal_mv, leads, fs: int, *, resolution_uv: float = 5.0) -> float:
    """A Sierra ECG XML 1.04 file with uncompressed Base64 parsedwaveforms."""
    counts = _counts(signal_mv, resolution_uv / 1000)
    duration_ms = int(round(counts.shape[1] * 1000 / fs))
    payload = base64.encodebytes(counts.tobytes()).decode("ascii")
    Path(path).write_text(f"""<?xml version="1.0" encoding="utf-8"?>
<restingecgdata xmlns="http://www3.medical.philips.com" status="Await confirm" lang="en">
  <documentinfo>
    <documenttype>PhilipsECG</documenttype>
    <documentversion>1.04</documentversion>
  </documentinfo>
  <dataacquisition date="2024-03-14" time="09:30:15">
    <machine machineid="TEST1" detaildescription="Philips Medical Products:860315:A.01.01.01"
      >PageWriter Touch</machine>
    <signalcharacteristics>
      <samplingrate>{fs}</samplingrate>
      <resolution>{resolution_uv:g}</resolution>
      <acquisitiontype>STD-12</acquisitiontype>
      <bitspersample>16</bitspersample>
      <signaloffset>0</signaloffset>
      <signalsigned>True</signalsigned>
      <numberchannelsallocated>{len(leads)}</numberchannelsallocated>
      <numberchannelsvalid>{len(leads)}</numberchannelsvalid>
    </signalcharacteristics>
  </dataacquisition>
  <patient><generalpatientdata>
    <patientid>9999</patientid>
    <age><years>61</years></age>
    <sex>Male</sex>
  </generalpatientdata></patient>
  <interpretations><interpretation>
    <statement><leftstatement>Sinus rhythm</leftstatement><rightstatement></rightstatement></statement>
  </interpretation></interpretations>
  <waveforms>
    <parsedwaveforms dataencoding="Base64" compression="Uncompressed"
      durationperchannel="{duration_ms}" samplespersecond="{fs}" numberofleads="{len(leads)}"
      leadlabels="{" ".join(leads)}">{payload}</parsedwaveforms>
  </waveforms>
</restingecgdata>
""", encoding="utf-8")
    return resolution_uv / 1000


def _scp_section(section_id: int, body: bytes, reserved: bytes = b"\x00" * 6) -> bytes:
    """A section: CRC, id, length (header included), section and protocol version 2.0 (20)."""
    rest = struct.pack("<HIBB", section_id, 16 + len(body), 20, 20) + reserved + body
    return struct.pack("<H", binascii.crc_hqx(rest, 0xFFFF)) + rest


def _scp_tag(tag: int, value: bytes) -> bytes:
    return struct.pack("<BH", tag, len(value)) + value


def write_scp(path: Path, signal_mv, leads, fs: int, *, avm_nv: int = 5000, age: int = 47,
              sex: int = 2, statements=("Sinus rhythm",), start_samples=None,
              marker: bool = True) -> float:
    """An SCP-ECG record: patient and acquisition (1), leads (3), rhythm (6), statements (8).

    ``start_samples`` (1-based, per lead) writes leads that start late: their samples before
    the start are left out of section 6, as EN 1064 section 3 allows. ``marker=False`` leaves
    the reserved bytes of section 0 blank, as files before EN 1064:2005 do, instead of "SCPECG".
    """
    counts = _counts(signal_mv, avm_nv / 1e6)
    n_leads, n_samples = counts.shape
    starts = list(start_samples or [1] * n_leads)
    # Tag 14 (acquiring device): numbers, type, manufacturer code, model, protocol 2.0,
    # 50 Hz mains, 16 reserved bytes, then NUL-terminated program, serial, software, SCP
    # implementation and manufacturer names.
    device = (struct.pack("<HHHBB", 0, 0, 1, 0, 0) + b"TESTMD" + bytes([20, 0xA0, 0, 0, 1])
              + b"\x00" * 16 + bytes([4]) + b"1.0\x00" + b"SN123\x00" + b"SW1\x00"
              + b"vendor_writers\x00" + b"Test Writer\x00")
    section1 = (_scp_tag(2, b"TEST0001\x00") + _scp_tag(4, struct.pack("<HB", age, 1))
                + _scp_tag(8, bytes([sex])) + _scp_tag(14, device)
                + _scp_tag(25, struct.pack("<HBB", 2024, 3, 14)) + _scp_tag(26, bytes([9, 30, 15]))
                + _scp_tag(255, b""))
    section3 = bytes([n_leads, 0x04 | (n_leads << 3) & 0xF8])
    section3 += b"".join(struct.pack("<IIB", start, n_samples, SCP_LEAD_IDS[name])
                         for name, start in zip(leads, starts))
    data = [row[start - 1:].tobytes() for row, start in zip(counts, starts)]
    section6 = struct.pack("<HHBB", avm_nv, int(round(1e6 / fs)), 0, 0)
    section6 += b"".join(struct.pack("<H", len(chunk)) for chunk in data) + b"".join(data)
    section8 = struct.pack("<BHBBBBBB", 0, 2024, 3, 14, 9, 30, 15, len(statements))
    section8 += b"".join(struct.pack("<BH", i + 1, len(text) + 1) + text.encode("ascii") + b"\x00"
                         for i, text in enumerate(statements))
    bodies = {1: section1, 3: section3, 6: section6, 8: section8}
    sections = {sid: _scp_section(sid, body) for sid, body in bodies.items()}
    pointer_count = 12
    section0_length = 16 + 10 * pointer_count
    position = 6 + section0_length + 1  # 1-based index of the byte after section 0
    pointers = struct.pack("<HII", 0, section0_length, 7)
    for sid in range(1, pointer_count):
        if sid in sections:
            pointers += struct.pack("<HII", sid, len(sections[sid]), position)
            position += len(sections[sid])
        else:
            pointers += struct.pack("<HII", sid, 0, 0)
    section0 = _scp_section(0, pointers, reserved=b"SCPECG" if marker else b"\x00" * 6)
    record = section0 + b"".join(sections[sid] for sid in sorted(sections))
    size_and_record = struct.pack("<I", 6 + len(record)) + record
    Path(path).write_bytes(struct.pack("<H", binascii.crc_hqx(size_and_record, 0xFFFF)) + size_and_record)
    return avm_nv / 1e6


def write_dicom(path: Path, signal_mv, leads, fs: int, *, sensitivity_uv: float = 2.5) -> float:
    """A 12-lead ECG Waveform Storage object: one RHYTHM multiplex group, int16 channels in uV."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    counts = _counts(signal_mv, sensitivity_uv / 1000)
    sop_class = "1.2.840.10008.5.1.4.1.1.9.1.1"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "ECG"
    ds.Manufacturer = "Test Writer"
    ds.ManufacturerModelName = "vendor_writers"
    ds.PatientSex, ds.PatientAge = "M", "066Y"
    ds.AcquisitionDateTime = "20240314093015"
    ds.ContentDate, ds.ContentTime = "20240314", "093015"
    group = Dataset()
    group.MultiplexGroupTimeOffset = 0.0
    group.WaveformOriginality = "ORIGINAL"
    group.NumberOfWaveformChannels = len(leads)
    group.NumberOfWaveformSamples = counts.shape[1]
    group.SamplingFrequency = fs
    group.MultiplexGroupLabel = "RHYTHM"
    channels = []
    for name in leads:
        source, units = Dataset(), Dataset()
        source.CodeValue = f"5.6.3-9-{SCP_LEAD_IDS[name]}"
        source.CodingSchemeDesignator, source.CodingSchemeVersion = "SCPECG", "1.3"
        source.CodeMeaning = f"Lead {name}"
        units.CodeValue, units.CodingSchemeDesignator, units.CodeMeaning = "uV", "UCUM", "microvolt"
        channel = Dataset()
        channel.ChannelSourceSequence = [source]
        channel.ChannelSensitivity = sensitivity_uv
        channel.ChannelSensitivityUnitsSequence = [units]
        channel.ChannelSensitivityCorrectionFactor = 1
        channel.ChannelBaseline = 0
        channel.ChannelTimeSkew = 0
        channel.WaveformBitsStored = 16
        channels.append(channel)
    group.ChannelDefinitionSequence = channels
    group.WaveformBitsAllocated = 16
    group.WaveformSampleInterpretation = "SS"
    group.WaveformData = np.ascontiguousarray(counts.T).tobytes()  # samples interleaved by channel
    ds.WaveformSequence = [group]
    ds.save_as(path, enforce_file_format=True)
    return sensitivity_uv / 1000
