import fs from 'node:fs'

/**
 * File systems (statfs's magic number) whose status-change time is not this
 * kernel's clock at a file's last change, so that a file edited to the same
 * size, its modification time kept, keeps its stamp (file-stamps.ts: inode,
 * size, modification and change times). An index snapshot takes a file by
 * its stamp: on these, a restart served the edited file's old title and
 * tags beside its new body. Images (squashfs, EROFS, ISO 9660, cramfs,
 * romfs) carry the times they were built with (`mksquashfs -all-time`,
 * `mkfs.erofs -T`, a reproducible build), and number their files by their
 * order: the next image, mounted at the same place, gives an unchanged
 * stamp for a file edited. FAT and exFAT give the modification time as the
 * change time once mounted again (`touch -r` sets it); FUSE gives what its
 * daemon says (rclone, s3fs, gcsfuse: the modification time, kept from
 * where the files came from).
 */
const CHANGE_TIMES_NOT_KEPT: ReadonlyMap<number, string> = new Map([
  [0x73717368, 'squashfs'],
  [0xe0f5e1e2, 'EROFS'],
  [0x9660, 'ISO 9660'],
  [0x28cd3d45, 'cramfs'],
  [0x7275, 'romfs'],
  [0x4d44, 'FAT'],
  [0x2011bab0, 'exFAT'],
  [0x65735546, 'FUSE'],
])

/**
 * The kind of file system `dir` lies on when it is one whose change times do
 * not tell every change of a file (above), else undefined (also when it
 * cannot be told: statfs failed, or not Linux, whose numbers these are). A
 * folder mounted further down, of another kind, is not looked at.
 */
export function changeTimesNotKept(dir: string, statfs: (dir: string) => { readonly type: number } = fs.statfsSync): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    // Unsigned: on 32-bit Linux f_type is a signed 32-bit long, and EROFS's number passes 2^31.
    return CHANGE_TIMES_NOT_KEPT.get(statfs(dir).type >>> 0)
  } catch {
    return undefined
  }
}
